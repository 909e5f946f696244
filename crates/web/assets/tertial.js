// Tertial's form script: autosave, the conflict dialog, and keeping typed text when the
// session ends. Progressive enhancement only: without it the form saves with its buttons.
(function () {
  'use strict';
  var form = document.getElementById('rapport');
  if (!form || !window.fetch || !window.URLSearchParams) return;

  var reportId = form.getAttribute('data-report');
  var csrf = form.getAttribute('data-csrf');
  // Per person and report: on a shared computer, one reporter's unsaved text is never put
  // into another's form.
  var storageKey = 'tertial:osparat:' + form.getAttribute('data-user') + ':' + reportId;
  var TYPING_PAUSE = 1000;
  // After a failed save, try again by itself: soon, then less often.
  var RETRY_DELAYS = [3000, 6000, 12000, 30000, 60000];
  var timers = {};
  var inflight = {};
  var failures = {}; // field code → how many saves in a row failed
  var conflicts = [];
  var dialog = document.getElementById('konflikt');
  var hint = document.getElementById('autosave-hint');
  if (hint) hint.hidden = false;

  function el(id) { return document.getElementById(id); }
  function field(code) { return el('field-' + code); }
  function naBox(code) { return el('na-' + code); }
  function hidden(name) { return form.querySelector('input[name="' + name + '"]'); }
  function codeOf(target) {
    var wrap = target.closest('[data-field]');
    return wrap ? wrap.getAttribute('data-field') : null;
  }
  function valueOf(code) {
    var na = naBox(code);
    return { text: field(code).value, na: !!(na && na.checked), version: hidden('version.' + code).value };
  }
  function setStatus(code, text, kind) {
    var s = el('status-' + code);
    if (!s) return;
    s.textContent = text;
    s.className = 'save-status' + (kind ? ' ' + kind : '');
  }

  // Unsaved text lives in the browser until the server acknowledges it, so that neither
  // an expired session nor a lost connection loses what someone typed.
  function readUnsaved() {
    try { return JSON.parse(window.localStorage.getItem(storageKey) || '{}'); } catch (e) { return {}; }
  }
  function writeUnsaved(map) {
    try {
      if (Object.keys(map).length) window.localStorage.setItem(storageKey, JSON.stringify(map));
      else window.localStorage.removeItem(storageKey);
    } catch (e) { /* storage full or disabled: autosave still works */ }
  }
  function remember(code) {
    var map = readUnsaved();
    map[code] = valueOf(code);
    writeUnsaved(map);
  }
  function acknowledged(code, saved, version) {
    var map = readUnsaved();
    var entry = map[code];
    if (!entry) return;
    if (entry.text === saved.text && entry.na === saved.na) delete map[code];
    else entry.version = String(version);
    writeUnsaved(map);
  }
  function discardUnsaved(code) {
    var map = readUnsaved();
    delete map[code];
    writeUnsaved(map);
  }

  function schedule(code, delay) {
    remember(code);
    clearTimeout(timers[code]);
    timers[code] = setTimeout(function () {
      delete timers[code];
      save(code);
    }, delay);
  }

  // Saves of one field run one after another, each from the version the last one made.
  function save(code) {
    var previous = inflight[code] || Promise.resolve();
    var next = previous.then(function () { return send(code); });
    inflight[code] = next;
    return next.then(function () { if (inflight[code] === next) delete inflight[code]; });
  }

  function send(code) {
    var mine = valueOf(code);
    setStatus(code, 'Sparar…', 'pending');
    var body = new URLSearchParams();
    body.set('text', mine.text);
    body.set('na', mine.na ? '1' : '');
    body.set('version', mine.version);
    return fetch('/rapporter/' + reportId + '/falt/' + encodeURIComponent(code), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Accept': 'application/json', 'X-CSRF-Token': csrf },
      body: body
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) {
          hidden('version.' + code).value = data.version;
          hidden('shown.' + code).value = data.fingerprint;
          acknowledged(code, mine, data.version);
          recovered(code);
          setStatus(code, 'Sparat ' + data.saved_at, '');
          nowADraft();
        } else if (response.status === 409 && data.status === 'conflict') {
          recovered(code);
          conflict(code, data);
        } else if (response.status === 401) {
          signedOut();
          setStatus(code, 'Inte sparat: du är utloggad. Texten finns kvar i webbläsaren.', 'failed');
        } else if (response.status >= 500 || response.status === 408) {
          failed(code, data.error || 'något gick fel hos oss.');
        } else {
          setStatus(code, 'Inte sparat: ' + (data.error || 'något gick fel.'), 'failed');
        }
      });
    }, function () {
      failed(code, 'ingen kontakt med servern.');
    });
  }

  // A save that failed through no fault of the text: the text stays in the browser, the
  // page says so, and the save is tried again by itself until it succeeds.
  function failed(code, why) {
    var n = failures[code] = (failures[code] || 0) + 1;
    var delay = RETRY_DELAYS[Math.min(n, RETRY_DELAYS.length) - 1];
    setStatus(code, 'Inte sparat: ' + why + ' Texten finns kvar i webbläsaren. Nytt försök om ' +
      Math.round(delay / 1000) + ' sekunder.', 'failed');
    if (!timers[code]) {
      timers[code] = setTimeout(function () {
        delete timers[code];
        save(code);
      }, delay);
    }
    showSaveProblem();
  }
  function recovered(code) {
    delete failures[code];
    showSaveProblem();
  }
  function showSaveProblem() {
    var banner = el('sparproblem');
    if (!banner) return;
    var failing = Object.keys(failures).length > 0;
    if (failing === !banner.hidden) return;
    banner.textContent = failing
      ? 'Dina senaste ändringar är inte sparade än. De finns kvar i den här webbläsaren och sparas automatiskt så snart det går. Stäng inte sidan.'
      : '';
    banner.hidden = !failing;
  }
  // Leaving while a save is failing would leave the text only in this browser: ask first.
  window.addEventListener('beforeunload', function (event) {
    if (!posting && Object.keys(failures).length) {
      event.preventDefault();
      event.returnValue = '';
    }
  });

  function signedOut() {
    var banner = el('offline-banner');
    if (!banner || !banner.hidden) return;
    var p = document.createElement('p');
    p.textContent = 'Du har blivit utloggad. Det du har skrivit finns kvar i den här webbläsaren och sparas när du loggar in igen. ';
    var a = document.createElement('a');
    a.href = '/logga-in?next=' + encodeURIComponent(window.location.pathname);
    a.textContent = 'Logga in igen';
    p.appendChild(a);
    banner.appendChild(p);
    banner.hidden = false;
  }

  // Someone saved a newer version: show both texts and let the person choose or merge.
  // One queued conflict per field, the newest: an older one would rewind the version.
  function conflict(code, theirs) {
    setStatus(code, 'Inte sparat: någon annan har ändrat svaret.', 'failed');
    var queued = conflicts.filter(function (c) { return c.code === code; })[0];
    if (queued) {
      queued.theirs = theirs;
      if (dialog.open && conflicts[0] === queued) showConflict();
      return;
    }
    conflicts.push({ code: code, theirs: theirs });
    if (!dialog.open) showConflict();
  }
  function showConflict() {
    var c = conflicts[0];
    if (!c) return;
    var label = form.querySelector('label[for="field-' + c.code + '"]');
    var mine = valueOf(c.code);
    el('konflikt-fraga').textContent = label ? label.textContent.replace(/\s+/g, ' ').trim() : '';
    el('konflikt-din').value = mine.na ? 'Ej aktuellt' : mine.text;
    el('konflikt-sparad').value = c.theirs.not_applicable ? 'Ej aktuellt' : c.theirs.text;
    el('konflikt-tid').textContent = '(sparad ' + c.theirs.saved_at + ')';
    if (!dialog.open) dialog.showModal();
  }
  function resolve(choice) {
    var c = conflicts.shift();
    dialog.close();
    if (!c) return;
    if (Number(c.theirs.version) < Number(hidden('version.' + c.code).value)) {
      // Already resolved against a newer version.
      if (conflicts.length) showConflict();
      return;
    }
    var f = field(c.code);
    var na = naBox(c.code);
    var theirs = c.theirs;
    // Whatever is chosen is based on the newer version now.
    hidden('version.' + c.code).value = theirs.version;
    hidden('shown.' + c.code).value = theirs.fingerprint;
    if (choice === 'mine') {
      remember(c.code);
      save(c.code);
    } else if (choice === 'theirs') {
      f.value = theirs.text;
      if (na) na.checked = theirs.not_applicable;
      discardUnsaved(c.code);
      setStatus(c.code, 'Den sparade texten används.', '');
    } else {
      f.value = f.value + (f.value && theirs.text ? '\n\n' : '') + theirs.text;
      schedule(c.code, TYPING_PAUSE);
      setStatus(c.code, 'Texterna är sammanslagna. Redigera dem; ändringarna sparas när du slutar skriva.', 'pending');
    }
    f.focus();
    if (conflicts.length) showConflict();
  }
  if (dialog) {
    el('behall-min').addEventListener('click', function () { resolve('mine'); });
    el('anvand-sparad').addEventListener('click', function () { resolve('theirs'); });
    el('sla-ihop').addEventListener('click', function () { resolve('merge'); });
    dialog.addEventListener('cancel', function (event) {
      // Closing with Escape keeps the person's text in the field, unsaved; the next save
      // asks again.
      var c = conflicts.shift();
      if (c) {
        event.preventDefault();
        dialog.close();
        field(c.code).focus();
        if (conflicts.length) showConflict();
      }
    });
  }

  // The first save makes the report a draft: say so without a reload.
  function nowADraft() {
    var tag = el('status-tag');
    if (tag && tag.classList.contains('tag-not_started')) {
      tag.classList.remove('tag-not_started');
      tag.classList.add('tag-draft');
      tag.textContent = 'Utkast';
    }
  }

  // How many questions have an answer (text, or Ej aktuellt), for long forms.
  var questions = form.querySelectorAll('[data-question]');
  function countAnswered() {
    var counter = el('besvarade');
    if (!counter || !questions.length) return;
    var answered = 0;
    Array.prototype.forEach.call(questions, function (wrap) {
      var code = wrap.getAttribute('data-field');
      var value = valueOf(code);
      if (value.na || value.text.trim()) answered += 1;
    });
    var said = answered + ' av ' + questions.length + ' frågor besvarade';
    // Said again only when it changes, so a screen reader hears it once per answer.
    if (counter.textContent !== said) counter.textContent = said;
    counter.hidden = false;
  }
  countAnswered();

  // Near the limit, say how many characters are left (counted as the server counts them).
  var maxChars = Number(form.getAttribute('data-max-chars')) || 0;
  function countCharacters(code) {
    var counter = el('count-' + code);
    if (!counter || !maxChars) return;
    var left = maxChars - Array.from(field(code).value).length;
    var near = left < Math.max(200, maxChars / 10);
    counter.hidden = !near;
    if (!near) return;
    counter.className = 'char-count' + (left < 0 ? ' over' : '');
    counter.textContent = left < 0
      ? 'Du har ' + (-left) + ' tecken för mycket. Texten sparas inte förrän den är kortare.'
      : 'Du har ' + left + ' tecken kvar.';
  }

  Array.prototype.forEach.call(form.querySelectorAll('[data-field]'), function (wrap) {
    countCharacters(wrap.getAttribute('data-field'));
  });

  form.addEventListener('input', function (event) {
    var code = codeOf(event.target);
    if (!code || event.target.type === 'checkbox') return;
    countCharacters(code);
    countAnswered();
    schedule(code, TYPING_PAUSE);
  });
  form.addEventListener('change', function (event) {
    var code = codeOf(event.target);
    if (code && event.target.type === 'checkbox') {
      countAnswered();
      schedule(code, 0);
    }
  });

  // Before the form is posted (Spara or Skicka in), finish pending saves so the post does
  // not race them; then post it once, whatever became of them (the post carries the text).
  var posting = false;
  form.addEventListener('submit', function (event) {
    var pending = Object.keys(timers);
    if (posting || (!pending.length && !Object.keys(inflight).length)) {
      posting = true;
      return;
    }
    event.preventDefault();
    var submitter = event.submitter;
    pending.forEach(function (code) { clearTimeout(timers[code]); delete timers[code]; save(code); });
    var all = Object.keys(inflight).map(function (code) { return inflight[code]; });
    Promise.all(all).then(function () {
      posting = true;
      if (form.requestSubmit) form.requestSubmit(submitter); else form.submit();
    });
  });

  // Text typed before the session ended (or the tab closed) is put back and saved, based on
  // the version it was typed against: if a colleague saved since, the conflict dialog shows.
  var unsaved = readUnsaved();
  Object.keys(unsaved).forEach(function (code) {
    var f = field(code);
    if (!f) return;
    var u = unsaved[code];
    var na = naBox(code);
    if (f.value === u.text && (!na || na.checked === u.na)) {
      discardUnsaved(code);
      return;
    }
    f.value = u.text;
    if (na) na.checked = u.na;
    countCharacters(code);
    hidden('version.' + code).value = u.version;
    setStatus(code, 'Text som inte hann sparas förra gången är återställd.', 'pending');
    save(code);
  });
})();
