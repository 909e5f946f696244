// Tertial's form script: autosave, conflicts shown beside their field, a warning before the
// session ends, and keeping typed text when it has ended. Progressive enhancement only:
// without it the form saves with its buttons. Every word it shows comes from the page
// (#tertial-text, written from the server's text.rs), so the UI's language is in one place.
(function () {
  'use strict';
  var form = document.getElementById('rapport');
  var words = document.getElementById('tertial-text');
  if (!form || !words || !window.fetch || !window.URLSearchParams) return;
  var TEXT = JSON.parse(words.textContent);

  var reportId = form.getAttribute('data-report');
  var csrf = form.getAttribute('data-csrf');
  // Per person and report: on a shared computer, one reporter's unsaved text is never put
  // into another's form. (The key is what earlier versions used, so their text is found.)
  var storageKey = 'tertial:osparat:' + form.getAttribute('data-user') + ':' + reportId;
  var TYPING_PAUSE = 1000;
  // After a failed save, try again by itself: soon, then less often.
  var RETRY_DELAYS = [3000, 6000, 12000, 30000, 60000];
  var timers = {};
  var inflight = {};
  var failures = {}; // field code → how many saves in a row failed
  var conflicts = {}; // field code → the newer version someone else saved, until resolved
  var hint = el('autosave-hint');
  if (hint) hint.hidden = false;

  function el(id) { return document.getElementById(id); }
  function field(code) { return el('field-' + code); }
  function naBox(code) { return el('na-' + code); }
  function hidden(name) { return form.querySelector('input[name="' + name + '"]'); }
  function wrapOf(target) { return target.closest('[data-field]'); }
  function codeOf(target) {
    var wrap = wrapOf(target);
    return wrap ? wrap.getAttribute('data-field') : null;
  }
  function valueOf(code) {
    var na = naBox(code);
    return { text: field(code).value, na: !!(na && na.checked), version: hidden('version.' + code).value };
  }
  // A text from the page, with each {name} filled in from `values`.
  function say(key, values) {
    return TEXT[key].replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }
  function make(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  function setStatus(code, text, kind, link) {
    var s = el('status-' + code);
    if (!s) return;
    s.textContent = text;
    if (link) s.append(' ', link);
    s.className = 'save-status' + (kind ? ' ' + kind : '');
  }
  // Said politely by screen readers, without moving focus.
  function announce(text) {
    var announcer = el('announcer');
    announcer.textContent = '';
    setTimeout(function () { announcer.textContent = text; }, 100);
  }
  function signInLink() {
    var next = encodeURIComponent(window.location.pathname);
    return make('a', { href: '/logga-in?next=' + next }, [say('signInAgain')]);
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
    delete timers[code];
    // A field in conflict waits for the person's choice; its comparison shows what they type.
    if (conflicts[code]) { showComparison(code); return; }
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
    if (conflicts[code]) return Promise.resolve();
    var mine = valueOf(code);
    setStatus(code, say('saving'), 'pending');
    var body = new URLSearchParams();
    body.set('text', mine.text);
    body.set('na', mine.na ? '1' : '');
    body.set('version', mine.version);
    return post('/rapporter/' + reportId + '/falt/' + encodeURIComponent(code), body).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) {
          hidden('version.' + code).value = data.version;
          hidden('shown.' + code).value = data.fingerprint;
          acknowledged(code, mine, data.version);
          recovered(code);
          setStatus(code, say('saved', { time: data.saved_at }), '');
          nowADraft();
          sessionLeft(data.session);
        } else if (response.status === 409 && data.status === 'conflict') {
          recovered(code);
          conflict(code, data);
        } else if (response.status === 401) {
          signedOut();
          setStatus(code, say('signedOut'), 'failed', signInLink());
        } else if (response.status >= 500 || response.status === 408) {
          failed(code, data.error || say('ourError'));
        } else {
          setStatus(code, say('notSaved', { why: data.error || say('error') }), 'failed');
        }
      });
    }, function () {
      failed(code, say('noContact'));
    });
  }
  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Accept': 'application/json', 'X-CSRF-Token': csrf },
      body: body
    });
  }

  // A save that failed through no fault of the text: the text stays in the browser, the
  // page says so, and the save is tried again by itself until it succeeds.
  function failed(code, why) {
    var n = failures[code] = (failures[code] || 0) + 1;
    var delay = RETRY_DELAYS[Math.min(n, RETRY_DELAYS.length) - 1];
    setStatus(code, say('retrying', { why: why, seconds: Math.round(delay / 1000) }), 'failed');
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
    banner.textContent = failing ? say('saveProblem') : '';
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
    banner.appendChild(make('p', {}, [say('signedOutBanner') + ' ', signInLink()]));
    banner.hidden = false;
  }

  // Someone else saved a newer version while the person typed. Nothing moves (WCAG 3.2.2):
  // focus and every keystroke stay in the field, its status says which question it is (and
  // is announced politely), and the comparison waits beside the field until the person
  // opens it. Only the newest version is kept: an older one would rewind the version.
  function conflict(code, theirs) {
    var first = !conflicts[code];
    conflicts[code] = theirs;
    showComparison(code);
    if (first) {
      var name = wrapOf(field(code)).getAttribute('data-name');
      setStatus(code, say('conflict', { question: name }), 'failed');
    }
  }
  function showComparison(code) {
    var theirs = conflicts[code];
    var panel = el('compare-' + code) || comparison(code);
    var mine = valueOf(code);
    panel.querySelector('.mine').textContent = mine.na ? say('notApplicable') : mine.text;
    panel.querySelector('.theirs-label').textContent = say('theirText', { time: theirs.saved_at });
    panel.querySelector('.theirs').textContent = theirs.not_applicable ? say('notApplicable') : theirs.text;
  }
  function comparison(code) {
    var name = wrapOf(field(code)).getAttribute('data-name');
    function choice(value, key, kind) {
      return make('button', { type: 'button', 'class': kind, 'data-choice': value }, [say(key)]);
    }
    var panel = make('details', { 'class': 'conflict', id: 'compare-' + code }, [
      make('summary', {}, [say('compare', { question: name })]),
      make('div', { 'class': 'compare' }, [
        make('div', {}, [make('p', { 'class': 'conflict-label' }, [say('yourText')]),
          make('div', { 'class': 'their-text prose mine' })]),
        make('div', {}, [make('p', { 'class': 'conflict-label theirs-label' }),
          make('div', { 'class': 'their-text prose theirs' })])
      ]),
      make('div', { 'class': 'actions' }, [
        choice('mine', 'keepMine', ''), choice('theirs', 'takeTheirs', 'secondary'), choice('merge', 'merge', 'secondary')
      ])
    ]);
    field(code).insertAdjacentElement('afterend', panel);
    return panel;
  }
  function resolve(code, choice) {
    var theirs = conflicts[code];
    if (!theirs) return;
    delete conflicts[code];
    el('compare-' + code).remove();
    var f = field(code);
    var na = naBox(code);
    // Whatever is chosen is based on the newer version now.
    hidden('version.' + code).value = theirs.version;
    hidden('shown.' + code).value = theirs.fingerprint;
    if (choice === 'mine') {
      remember(code);
      save(code);
    } else if (choice === 'theirs') {
      f.value = theirs.text;
      if (na) na.checked = theirs.not_applicable;
      discardUnsaved(code);
      setStatus(code, say('theirsUsed'), '');
    } else {
      f.value = f.value + (f.value && theirs.text ? '\n\n' : '') + theirs.text;
      schedule(code, TYPING_PAUSE);
      setStatus(code, say('merged'), 'pending');
    }
    countCharacters(code);
    countAnswered();
    // The button pressed went with the comparison: the person goes on in the field.
    f.focus();
  }
  form.addEventListener('click', function (event) {
    var button = event.target.closest('[data-choice]');
    if (button) resolve(codeOf(button), button.getAttribute('data-choice'));
  });

  // The first save makes the report a draft: say so without a reload.
  function nowADraft() {
    var tag = el('status-tag');
    if (tag && tag.classList.contains('tag-not_started')) {
      tag.classList.remove('tag-not_started');
      tag.classList.add('tag-draft');
      tag.textContent = say('draft');
    }
  }

  // How many questions have an answer (a text, or marked not applicable), for long forms.
  var questions = form.querySelectorAll('[data-question]');
  function countAnswered() {
    var counter = el('answered');
    if (!counter || !questions.length) return;
    var answered = 0;
    Array.prototype.forEach.call(questions, function (wrap) {
      var value = valueOf(wrap.getAttribute('data-field'));
      if (value.na || value.text.trim()) answered += 1;
    });
    var said = say('answered', { count: answered, total: questions.length });
    // Said again only when it changes, so a screen reader hears it once per answer.
    if (counter.textContent !== said) counter.textContent = said;
    counter.hidden = false;
  }
  countAnswered();

  // From 90 % of the limit, the field's description says how many characters are left
  // (counted as the server counts them). It is announced only when it passes 90 %, the
  // limit and beyond, not at every keystroke.
  var maxChars = Number(form.getAttribute('data-max-chars')) || 0;
  var stages = {}; // field code → 0 far from the limit, 1 near it, 2 at it, 3 over it
  function countCharacters(code, quietly) {
    var counter = el('count-' + code);
    if (!counter || !maxChars) return;
    var left = maxChars - Array.from(field(code).value).length;
    var stage = left < 0 ? 3 : left === 0 ? 2 : left <= maxChars / 10 ? 1 : 0;
    counter.hidden = !stage;
    counter.className = 'char-count' + (left < 0 ? ' over' : '');
    var count = Math.abs(left).toLocaleString(document.documentElement.lang);
    counter.textContent = !stage ? '' : say(left < 0 ? 'charsOver' : 'charsLeft', { count: count });
    if (stage && stage !== stages[code] && !quietly) announce(counter.textContent);
    stages[code] = stage;
  }

  Array.prototype.forEach.call(form.querySelectorAll('[data-field]'), function (wrap) {
    countCharacters(wrap.getAttribute('data-field'), true);
  });

  // A gentle readability hint under each answer, counted as the server counts it (LIX:
  // words per sentence plus the percentage of words over six letters; a sentence ends at
  // . ! ? : before a space and at every line's end). Only a hint: it never stops a save.
  var ABBREVIATIONS = ['t.ex', 'bl.a', 'm.m', 'osv', 'dvs', 's.k', 'ca', 'kl', 'nr', 'resp',
    'fr.o.m', 't.o.m', 'm.fl', 'o.s.v', 'd.v.s', 'jfr'];
  var WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;
  function readability(text) {
    var words = 0, long = 0, sentences = 0, longest = 0;
    text.split('\n').forEach(function (line) {
      line = line.replace(/^\s*[-•*] /, '');
      var pieces = [], start = 0, end = /[.!?:…][)\]"”’»]*(?=\s)/g, m;
      while ((m = end.exec(line))) {
        var before = line.slice(start, m.index), last = (before.trim().split(/\s+/).pop() || '').toLowerCase().replace(/^[("”]+/, '');
        if (m[0][0] === '.' && (ABBREVIATIONS.indexOf(last) >= 0 || (before.trim() === last && /^\d+$/.test(last)))) continue;
        pieces.push(line.slice(start, m.index + m[0].length));
        start = m.index + m[0].length;
      }
      pieces.push(line.slice(start));
      pieces.forEach(function (piece) {
        var found = piece.match(WORD) || [];
        if (!found.length) return;
        sentences += 1;
        words += found.length;
        longest = Math.max(longest, found.length);
        found.forEach(function (w) { if ((w.match(/\p{L}/gu) || []).length > 6) long += 1; });
      });
    });
    if (!words) return null;
    return { lix: Math.round(words / sentences + 100 * long / words), longest: longest };
  }
  function showReadability(code) {
    var line = el('lix-' + code);
    if (!line) return;
    var value = valueOf(code);
    var found = value.na ? null : readability(value.text);
    line.hidden = !found;
    if (!found) return;
    var l = found.lix, level = l < 25 ? 0 : l < 35 ? 1 : l < 45 ? 2 : l < 55 ? 3 : 4;
    line.textContent = say('readability', { lix: l, level: TEXT.lixLevels[level], longest: found.longest });
  }

  form.addEventListener('input', function (event) {
    var code = codeOf(event.target);
    if (!code || event.target.type === 'checkbox') return;
    countCharacters(code);
    try { showReadability(code); } catch (e) { /* a hint, never in the way */ }
    countAnswered();
    schedule(code, TYPING_PAUSE);
  });
  form.addEventListener('change', function (event) {
    var code = codeOf(event.target);
    if (code && event.target.type === 'checkbox') {
      countAnswered();
      try { showReadability(code); } catch (e) { /* a hint, never in the way */ }
      schedule(code, 0);
    }
  });

  // An error summary's link shows the field's question and message, not only its box.
  document.addEventListener('click', function (event) {
    var link = event.target.closest('.error-summary a[href^="#field-"]');
    var target = link && el(link.getAttribute('href').slice(1));
    if (!target) return;
    event.preventDefault();
    wrapOf(target).scrollIntoView();
    target.focus({ preventScroll: true });
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

  // A warning before the session ends (WCAG 2.2.1) that takes no focus: for want of use,
  // with a button that extends the session; at the end of its lifetime, when that is.
  var warning = el('session-warning');
  var warningText = el('session-warning-text');
  var stay = el('stay-signed-in');
  var warnBefore = Number(form.getAttribute('data-session-warn')) * 1000;
  var ends = {};
  var warningTimer;
  var lastField = null;
  // `left`: the seconds the server says the session has left, idle and in all.
  function sessionLeft(left) {
    if (!left) return;
    var now = Date.now();
    ends = { idle: now + left.idle * 1000, lifetime: now + left.lifetime * 1000 };
    var warnAt = Math.min(ends.idle, ends.lifetime) - warnBefore;
    clearTimeout(warningTimer);
    if (warnAt > now) warning.hidden = true;
    warningTimer = setTimeout(warnOfSessionEnd, Math.max(0, warnAt - now));
  }
  function warnOfSessionEnd() {
    var final = ends.lifetime <= ends.idle;
    var text = final ? say('sessionEnds', { time: form.getAttribute('data-session-ends') }) : say('sessionIdle');
    if (!warning.hidden && warningText.textContent === text) return;
    warningText.textContent = text;
    stay.hidden = final;
    warning.hidden = false;
  }
  form.addEventListener('focusin', function (event) {
    if (codeOf(event.target) && event.target.id.indexOf('field-') === 0) lastField = event.target;
  });
  stay.addEventListener('submit', function (event) {
    event.preventDefault();
    post(stay.action, new URLSearchParams(new FormData(stay))).then(function (response) {
      if (response.status === 401) return signedOut();
      if (!response.ok) return;
      return response.json().then(function (left) {
        sessionLeft(left);
        announce(say('stillSignedIn'));
        // The button is gone with the warning: back to the field the person was in.
        if (lastField && (stay.contains(document.activeElement) || document.activeElement === document.body)) {
          lastField.focus();
        }
      });
    }, function () { /* no contact: the warning stays, to try again */ });
  });
  sessionLeft({
    idle: Number(form.getAttribute('data-session-idle')),
    lifetime: Number(form.getAttribute('data-session-lifetime'))
  });

  // Text typed before the session ended (or the tab closed) is put back and saved, based on
  // the version it was typed against: if someone else saved since, the conflict shows.
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
    countCharacters(code, true);
    hidden('version.' + code).value = u.version;
    setStatus(code, say('restored'), 'pending');
    save(code);
  });
})();

// Rounds: an answer carried over from the previous round loses its "unchanged since" mark
// as soon as it is edited, as it does on the server at its first save.
(function () {
  'use strict';
  document.addEventListener('input', function (event) {
    var box = event.target && event.target.closest ? event.target.closest('.field') : null;
    var mark = box ? box.querySelector('.unchanged') : null;
    if (!mark) return;
    var input = box.querySelector('#field-' + box.getAttribute('data-field'));
    if (input) {
      var ids = (input.getAttribute('aria-describedby') || '').split(' ').filter(function (id) {
        return id && id !== mark.id;
      });
      if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
      else input.removeAttribute('aria-describedby');
    }
    mark.parentNode.removeChild(mark);
  });
})();
