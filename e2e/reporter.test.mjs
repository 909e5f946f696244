// The reporter's form with JavaScript: autosave, conflicts between two sessions, an expired
// session that keeps the text, submitting (first with errors, then complete), and a server
// that cannot save for a while.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';

import {
  coordinatorReportId,
  expectNoAxeViolations,
  launchBrowser,
  myReportIds,
  signedInPage,
  submitSignIn,
} from './browser.mjs';
import {
  clickAndWaitForPage,
  CONTACT,
  expectSaved,
  expectText,
  expectValue,
  fillCompleteReport,
  marker,
  QUESTION_CODES,
  SAVED,
} from './form.mjs';
import { ACCOUNTS, startDemo } from './server.mjs';

let demo;
let browser;
let reportId; // Skärholmen's T2
let formPath;

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  assert.equal(new URL(page.url()).pathname, '/rapporter', 'a reporter lands on /rapporter');
  reportId = (await myReportIds(page))['Tertialrapport 2 2022'];
  assert.ok(reportId, 'Skärholmen has a T2 report');
  formPath = `/rapporter/${reportId}`;
  await context.close();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/** A new session of Skärholmen's reporter, on the T2 form. */
async function openForm() {
  const session = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  await session.page.goto(formPath);
  await session.page.locator('#autosave-hint').waitFor({ state: 'visible' });
  return session;
}

const unsavedInBrowser = (page) =>
  page.evaluate((id) => {
    const user = document.getElementById('rapport').dataset.user;
    return window.localStorage.getItem(`tertial:osparat:${user}:${id}`);
  }, reportId);

test('(a) an answer saves itself while typing and is there after a reload; so does Ej aktuellt', async () => {
  const { context, page } = await openForm();
  const code = QUESTION_CODES[0];
  const answered = Number((await page.locator('#answered').innerText()).split(' ')[0]);
  assert.match(await page.locator('#answered').innerText(), /^\d+ av 8 frågor besvarade$/);
  const wasEmpty = (await page.inputValue(`#field-${code}`)).trim() === '';
  await page.locator(`#field-${code}`).fill('');
  const text = `Vi träffar företagarföreningen varje månad. ${marker('a')}`;
  await page.locator(`#field-${code}`).pressSequentially(text);
  await expectSaved(page, code);
  assert.equal(await unsavedInBrowser(page), null, 'nothing is left unsaved in the browser');
  await expectText(page.locator('#status-tag'), 'Utkast');
  await expectText(page.locator('#answered'), `${answered + (wasEmpty ? 1 : 0)} av 8 frågor besvarade`);

  await page.reload();
  await expectValue(page, `#field-${code}`, text);
  await expectText(page.locator('.facts').first(), 'Utkast');

  const na = QUESTION_CODES[1];
  await page.check(`#na-${na}`);
  await expectSaved(page, na);
  await page.reload();
  assert.equal(await page.isChecked(`#na-${na}`), true, 'Ej aktuellt is still ticked after a reload');
  await context.close();
});

/** Records what the page's polite announcer says, from now on (see `said`). */
async function listenToAnnouncer(page) {
  await page.evaluate(() => {
    window.announced = [];
    new MutationObserver(() => {
      const text = document.getElementById('announcer').textContent;
      if (text) window.announced.push(text);
    }).observe(document.getElementById('announcer'), { childList: true, characterData: true, subtree: true });
  });
}
const said = (page) => page.evaluate(() => window.announced);

test('near the limit the field describes the characters left, announced only at 90 %, at the limit and over it', async () => {
  const { context, page } = await openForm();
  const code = 'other_information';
  const field = page.locator(`#field-${code}`);
  const counter = page.locator(`#count-${code}`);
  assert.equal(await counter.isHidden(), true, 'no count far from the limit');
  const describedBy = (await field.getAttribute('aria-describedby')).split(' ');
  assert.ok(describedBy.includes(`count-${code}`), `the count describes the field: ${describedBy}`);
  assert.equal(await counter.getAttribute('aria-live'), null, 'the count itself is not a live region');
  await listenToAnnouncer(page);

  // 20 000 is the limit: 90 % is 18 000 characters. Typing across it is announced once.
  await field.fill('å'.repeat(17_995));
  await field.pressSequentially('abcdefghij');
  await expectText(counter, /^Du har 1\s995 tecken kvar\.$/);
  await field.fill('å'.repeat(19_990));
  await field.pressSequentially('ab');
  await expectText(counter, 'Du har 8 tecken kvar.');
  await expectSaved(page, code);
  await field.pressSequentially('0123456789');
  await expectText(counter, 'Du har 2 tecken för mycket.');
  await expectText(page.locator(`#status-${code}`), 'Inte sparat: Texten är för lång');
  await page.waitForFunction(() => window.announced.length >= 3);
  assert.deepEqual(
    (await said(page)).map((t) => t.replace(/\s/g, ' ')),
    [
      'Du har 2 000 tecken kvar.',
      'Du har 0 tecken kvar.',
      'Du har 1 tecken för mycket. Texten sparas inte förrän den är kortare.',
    ],
    'said at 90 %, at the limit and over it, and at no other keystroke',
  );
  await context.close();
});

test('each Ej aktuellt checkbox is named with its question', async () => {
  const { context, page } = await openForm();
  for (const code of QUESTION_CODES) {
    const number = (await page.locator(`label[for="field-${code}"] .qnum`).innerText()).trim();
    const box = page.getByRole('checkbox', { name: `Ej aktuellt (fråga ${number})`, exact: true });
    assert.equal(await box.getAttribute('id'), `na-${code}`, `the checkbox of question ${number}`);
  }
  const snapshot = await page.locator(`[data-field="${QUESTION_CODES[0]}"]`).ariaSnapshot();
  assert.match(snapshot, /checkbox "Ej aktuellt \(fråga \d+\.\d+\)"/, snapshot);
  await context.close();
});

test('a long form lists its focus areas in an Innehåll navigation', async () => {
  const { context, page } = await openForm();
  const nav = page.getByRole('navigation', { name: 'Innehåll' });
  const hrefs = await nav.getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const areas = await page
    .locator('form#rapport section.area > h2[id^="omrade-"]')
    .evaluateAll((hs) => hs.map((h) => `#${h.id}`));
  assert.ok(areas.length > 1, 'the demo form has several focus areas');
  assert.deepEqual(hrefs, [...areas, '#kontakt', '#ovrigt'], 'a link to each heading, in order');
  const last = areas[areas.length - 1];
  await nav.locator(`a[href="${last}"]`).click();
  await page.waitForFunction((hash) => window.location.hash === hash, last);
  const top = await page.locator(last).evaluate((h) => h.getBoundingClientRect().top);
  assert.ok(top > -1 && top < 100, `the heading is at the top of the view (${top})`);
  await context.close();
});

test('(b) a conflict takes neither focus nor keystrokes: it is announced, and resolved beside the field when the person chooses', async () => {
  const a = await openForm();
  const b = await openForm();
  const status = (code) => b.page.locator(`#status-${code}`);
  const compare = (code) => b.page.locator(`details#compare-${code}`);

  // Keep mine, after typing on through the conflict.
  let code = QUESTION_CODES[2];
  const name = await b.page.locator(`[data-field="${code}"]`).getAttribute('data-name');
  assert.match(name, /^Fråga \d+\.\d+$/);
  const textA = `A skrev detta. ${marker('a')}`;
  await a.page.fill(`#field-${code}`, textA);
  await expectSaved(a.page, code);
  const fieldB = b.page.locator(`#field-${code}`);
  await fieldB.fill('');
  const start = `B börjar. ${marker('b')}`;
  await fieldB.pressSequentially(start);
  // B pauses, the autosave goes to meet A's newer version, and B types on meanwhile.
  await b.page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/falt/${code}`));
  const more = ' Och B skriver vidare medan svaret kommer, utan att tappa en enda bokstav.';
  await b.page.keyboard.type(more, { delay: 15 });
  await expectText(status(code), `Inte sparat: ${name} ändrades av någon annan medan du skrev.`);
  assert.equal(await status(code).getAttribute('aria-live'), 'polite', 'the status is announced politely');
  assert.equal(await b.page.evaluate(() => document.activeElement?.id), `field-${code}`, 'focus stays in the field');
  await expectValue(b.page, `#field-${code}`, start + more);
  assert.equal(await b.page.locator('dialog[open]').count(), 0, 'no dialog opens');
  // The comparison waits, closed, beside the field; nothing of B's is saved meanwhile.
  await compare(code).waitFor();
  assert.equal(await compare(code).getAttribute('open'), null, 'the comparison opens when the person chooses');
  await expectText(compare(code).locator('summary'), name);
  await a.page.reload();
  await expectValue(a.page, `#field-${code}`, textA);

  await compare(code).locator('summary').click();
  await expectText(compare(code).locator('.mine'), start + more);
  await expectText(compare(code).locator('.theirs'), textA);
  await expectNoAxeViolations(b.page, 'the form with a conflict opened beside its field');
  await compare(code).getByRole('button', { name: 'Behåll min text' }).click();
  await expectSaved(b.page, code);
  assert.equal(await compare(code).count(), 0, 'the comparison is gone');
  assert.equal(await b.page.evaluate(() => document.activeElement?.id), `field-${code}`, 'focus returns to the field');
  await b.page.reload();
  await expectValue(b.page, `#field-${code}`, start + more);
  await a.page.reload();
  await expectValue(a.page, `#field-${code}`, start + more);

  // Use the saved text.
  code = QUESTION_CODES[3];
  const savedA = `A:s sparade text. ${marker('a')}`;
  await a.page.fill(`#field-${code}`, savedA);
  await expectSaved(a.page, code);
  await b.page.fill(`#field-${code}`, `B:s text som ska bort. ${marker('b')}`);
  await compare(code).locator('summary').click();
  await expectText(compare(code).locator('.theirs'), savedA);
  await compare(code).getByRole('button', { name: 'Använd den sparade texten' }).click();
  await expectValue(b.page, `#field-${code}`, savedA);
  await expectText(status(code), 'Den sparade texten används.');
  assert.equal(await unsavedInBrowser(b.page), null, "B's discarded text is not kept");
  await b.page.reload();
  await expectValue(b.page, `#field-${code}`, savedA);

  // Merge, then edit: the merged text is saved.
  code = QUESTION_CODES[4];
  const mergeA = `Först A. ${marker('a')}`;
  const mergeB = `Sedan B. ${marker('b')}`;
  await a.page.fill(`#field-${code}`, mergeA);
  await expectSaved(a.page, code);
  await b.page.fill(`#field-${code}`, mergeB);
  await compare(code).locator('summary').click();
  await compare(code).getByRole('button', { name: 'Slå ihop och redigera' }).click();
  await expectValue(b.page, `#field-${code}`, `${mergeB}\n\n${mergeA}`);
  await expectSaved(b.page, code);
  await a.page.reload();
  await expectValue(a.page, `#field-${code}`, `${mergeB}\n\n${mergeA}`);

  await a.context.close();
  await b.context.close();
});

test('(c) an expired session keeps the typed text, links to signing in again beside the field, and saves the text after it', async () => {
  const { context, page } = await openForm();
  const code = QUESTION_CODES[5];
  const first = `Början av svaret. ${marker('c')}`;
  await page.fill(`#field-${code}`, first);
  await expectSaved(page, code);

  // The session ends (as when it expires): the cookie is gone.
  await context.clearCookies();
  const full = `${first} Och det som skrevs efteråt. ${marker('c')}`;
  await page.fill(`#field-${code}`, full);
  const banner = page.locator('#offline-banner');
  await banner.waitFor({ state: 'visible' });
  await expectText(banner, 'Du har blivit utloggad');
  await expectText(page.locator(`#status-${code}`), /^Inte sparat: du är utloggad/);
  assert.ok(await unsavedInBrowser(page), 'the unsaved text is kept in the browser');

  assert.equal(
    decodeURIComponent(await banner.getByRole('link', { name: 'Logga in igen' }).getAttribute('href')),
    `/logga-in?next=${formPath}`,
  );
  // The field that failed to save says so itself, with the way back beside it.
  const link = page.locator(`#status-${code}`).getByRole('link', { name: 'Logga in igen' });
  assert.equal(decodeURIComponent(await link.getAttribute('href')), `/logga-in?next=${formPath}`);
  await Promise.all([page.waitForNavigation(), link.click()]);
  assert.equal(new URL(page.url()).pathname, '/logga-in');
  await submitSignIn(page, ACCOUNTS.skarholmen);
  assert.equal(new URL(page.url()).pathname, formPath, 'signing in returns to the form');

  await expectValue(page, `#field-${code}`, full);
  await expectSaved(page, code);
  assert.equal(await unsavedInBrowser(page), null, 'nothing is left unsaved in the browser');
  await page.reload();
  await expectValue(page, `#field-${code}`, full);
  await context.close();
});

test('(d) submitting: errors first, then a complete report, a receipt and a read-only form', async () => {
  const { context, page } = await openForm();
  // Some answers are still empty, and so is the contact person.
  let response = await clickAndWaitForPage(page, 'Skicka in');
  assert.equal(response.status(), 422);
  assert.match(await page.title(), /^Fel: /, 'the title says there are errors');
  const summary = page.locator('.error-summary[role=alert]');
  await expectText(summary, 'Rapporten kan inte skickas in än');
  const links = summary.locator('a');
  const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.length >= 3, `the summary lists the problems: ${hrefs}`);
  for (const href of hrefs) {
    assert.match(href, /^#field-/);
    assert.equal(await page.locator(href).count(), 1, `${href} points at a field`);
  }
  for (const code of ['contact_name', 'contact_phone', 'contact_email', QUESTION_CODES[6]]) {
    assert.ok(hrefs.includes(`#field-${code}`), `the summary links to ${code}: ${hrefs}`);
    assert.equal(await page.getAttribute(`#field-${code}`, 'aria-invalid'), 'true');
  }
  // Answers already given are not listed.
  assert.ok(!hrefs.includes(`#field-${QUESTION_CODES[0]}`), `${hrefs}`);

  // Following a link takes the person to the field.
  const target = `#field-${QUESTION_CODES[6]}`;
  await summary.locator(`a[href="${target}"]`).click();
  await page.waitForFunction((id) => document.activeElement?.id === id, target.slice(1), {
    timeout: 5_000,
  }).catch(() => assert.fail(`following the error link did not focus ${target}`));
  const inView = (selector) =>
    page.locator(selector).evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.top < window.innerHeight && r.bottom > 0;
    });
  assert.ok(await inView(target), `${target} is scrolled into view`);
  const code6 = QUESTION_CODES[6];
  assert.ok(await inView(`label[for="field-${code6}"]`), 'and so is its question');
  assert.ok(await inView(`#error-${code6}`), 'and its message');

  // Complete every answer (one as Ej aktuellt) and the contact person, and submit.
  const written = await fillCompleteReport(page, { notApplicable: QUESTION_CODES[1] });
  response = await clickAndWaitForPage(page, 'Skicka in');
  assert.equal(response.status(), 200);
  assert.equal(
    new URL(page.url()).pathname + new URL(page.url()).search,
    `${formPath}/versioner/1?kvittens=1`,
  );
  await expectText(page.locator('h1'), 'Rapporten är inskickad');
  await expectText(page.locator('[role=status]'), 'version 1');
  await expectText(page.locator('main'), written[QUESTION_CODES[0]]);

  // The receipt offers the version as files; Markdown among them.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /Markdown/ }).click(),
  ]);
  const markdown = await readFile(await download.path(), 'utf8');
  assert.ok(markdown.includes(written[QUESTION_CODES[0]]), 'the file holds the answers');
  assert.ok(markdown.includes(CONTACT.contact_email), 'and the contact person');

  // The form is now read-only.
  await page.goto(formPath);
  assert.equal(await page.locator('textarea').count(), 0, 'no field can be edited');
  assert.equal(await page.locator('form#rapport').count(), 0);
  await expectText(page.locator('.facts').first(), 'Inskickad');
  await expectText(page.locator('main'), written[QUESTION_CODES[0]]);
  await context.close();

  // The coordinator sees it submitted and can open the version.
  const coordinator = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
  const id = await coordinatorReportId(coordinator.page, 'Tertialrapport 2 2022', 'Skärholmen');
  assert.equal(id, reportId);
  const row = coordinator.page.locator('tbody tr', { has: coordinator.page.locator('th', { hasText: 'Skärholmen' }) });
  await expectText(row.locator('.tag'), 'Inskickad');
  await row.locator('th').getByRole('link', { name: /Skärholmen/ }).click();
  await coordinator.page.waitForURL(`**${formPath}`);
  await coordinator.page.getByRole('link', { name: 'Version 1' }).click();
  await coordinator.page.waitForURL(`**${formPath}/versioner/1`);
  await expectText(coordinator.page.locator('h1'), 'Inskickad version 1');
  for (const code of QUESTION_CODES.slice(2, 4)) {
    await expectText(coordinator.page.locator('main'), written[code]);
  }
  await expectText(coordinator.page.locator('main'), 'Ej aktuellt');
  await expectText(coordinator.page.locator('main'), '08-508 000 00');
  await coordinator.context.close();
});

test('(e) when the server cannot save, the form says "Inte sparat", keeps the text, and saves it once the server is back', async () => {
  // A server of its own: this test takes it down.
  const own = await startDemo();
  try {
    const { context, page } = await signedInPage(browser, own.baseURL, ACCOUNTS.skarholmen);
    const id = (await myReportIds(page))['Tertialrapport 2 2022'];
    await page.goto(`/rapporter/${id}`);
    await page.locator('#autosave-hint').waitFor({ state: 'visible' });
    const code = QUESTION_CODES[0];
    const field = page.locator(`#field-${code}`);
    await field.fill('');
    await field.pressSequentially(`Sparad före avbrottet. ${marker('e')}`);
    await expectSaved(page, code);

    await own.crash();
    const typed = `Skriven medan servern var borta. ${marker('e')}`;
    await field.fill(typed);
    await expectText(page.locator(`#status-${code}`), /^Inte sparat: ingen kontakt med servern\. Texten finns kvar i webbläsaren\. Nytt försök om \d+ sekunder\.$/);
    await page.locator('#sparproblem').waitFor({ state: 'visible' });
    await expectText(page.locator('#sparproblem'), 'Dina senaste ändringar är inte sparade än');
    const kept = JSON.parse(await page.evaluate((reportId) => {
      const user = document.getElementById('rapport').dataset.user;
      return window.localStorage.getItem(`tertial:osparat:${user}:${reportId}`);
    }, id));
    assert.equal(kept[code].text, typed, 'the unsaved text is kept in the browser');
    await expectNoAxeViolations(page, 'the form while saves fail');

    // The server comes back on the same database: the form saves by itself, nobody types.
    await own.serveAgain();
    await expectText(page.locator(`#status-${code}`), SAVED, { timeout: 20_000 });
    await page.locator('#sparproblem').waitFor({ state: 'hidden' });
    const left = await page.evaluate((reportId) => {
      const user = document.getElementById('rapport').dataset.user;
      return window.localStorage.getItem(`tertial:osparat:${user}:${reportId}`);
    }, id);
    assert.equal(left, null, 'nothing is left unsaved once the save succeeded');
    await context.close();

    // What the server acknowledged is what it holds (a fresh session, a fresh page).
    const again = await signedInPage(browser, own.baseURL, ACCOUNTS.skarholmen);
    await again.page.goto(`/rapporter/${id}`);
    await expectValue(again.page, `#field-${code}`, typed);
    await again.context.close();
  } finally {
    await own.stop();
  }
});
