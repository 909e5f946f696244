// The form without JavaScript: Spara and Skicka in post the whole form, errors and conflicts
// are shown on the re-rendered page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, myReportIds, newContext, signIn } from './browser.mjs';
import {
  clickAndWaitForPage,
  CONTACT,
  expectText,
  expectValue,
  marker,
  QUESTION_CODES,
  SAVED,
} from './form.mjs';
import { ACCOUNTS, startDemo } from './server.mjs';

let demo;
let browser;

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/** A context with JavaScript turned off, signed in as `email`, on that reporter's T2 form. */
async function noJsForm(email) {
  const context = await newContext(browser, demo.baseURL, { javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, email);
  const id = (await myReportIds(page))['Tertialrapport 2 2022'];
  assert.ok(id, `${email} has a T2 report`);
  const formPath = `/rapporter/${id}`;
  await page.goto(formPath);
  await page.locator('form#rapport').waitFor();
  assert.ok(await page.locator('#autosave-hint').isHidden(), 'no script runs: no autosave hint');
  return { context, page, formPath };
}

test('Bromma fills in, saves, fails to submit with a missing answer, then submits', async () => {
  const { context, page, formPath } = await noJsForm(ACCOUNTS.bromma);
  // A long form lists its focus areas, and the list works without JavaScript.
  const nav = page.getByRole('navigation', { name: 'Innehåll' });
  const first = await nav.getByRole('link').first().getAttribute('href');
  assert.match(first, /^#omrade-\d+$/);
  await nav.getByRole('link').first().click();
  await page.waitForURL((url) => url.hash === first);
  const texts = {
    [QUESTION_CODES[0]]: `Första svaret utan JavaScript. ${marker('n')}`,
    [QUESTION_CODES[1]]: `Rad ett.\nRad två med åäö. ${marker('n')}`,
    contact_name: CONTACT.contact_name,
  };
  for (const [code, text] of Object.entries(texts)) await page.fill(`#field-${code}`, text);
  await page.check(`#na-${QUESTION_CODES[2]}`);

  let response = await clickAndWaitForPage(page, 'Spara');
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).pathname, formPath);
  await expectText(page.locator('.notice[role=status]'), SAVED);

  await page.goto(formPath);
  for (const [code, text] of Object.entries(texts)) await expectValue(page, `#field-${code}`, text);
  assert.equal(await page.isChecked(`#na-${QUESTION_CODES[2]}`), true);
  await expectText(page.locator('.facts').first(), 'Utkast');

  // Everything but one answer, then Skicka in.
  const missing = QUESTION_CODES[QUESTION_CODES.length - 1];
  for (const code of QUESTION_CODES.slice(3, -1)) {
    texts[code] = `Svar på ${code}. ${marker('n')}`;
    await page.fill(`#field-${code}`, texts[code]);
  }
  texts.contact_phone = CONTACT.contact_phone;
  texts.contact_email = CONTACT.contact_email;
  await page.fill('#field-contact_phone', texts.contact_phone);
  await page.fill('#field-contact_email', texts.contact_email);
  response = await clickAndWaitForPage(page, 'Skicka in');
  assert.equal(response.status(), 422);
  assert.match(await page.title(), /^Fel: /, 'the title says there are errors');
  const summary = page.locator('.error-summary[role=alert]');
  await expectText(summary, 'Rapporten kan inte skickas in än');
  const hrefs = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs, [`#field-${missing}`], 'only the missing answer is listed');
  await expectText(page.locator(`#error-${missing}`), 'Besvara fråga');
  assert.equal(await page.getAttribute(`#field-${missing}`, 'aria-invalid'), 'true');
  const describedBy = await page.getAttribute(`#field-${missing}`, 'aria-describedby');
  assert.ok(describedBy?.split(' ').includes(`error-${missing}`), 'the error describes the field');
  // What was typed is still there.
  for (const [code, text] of Object.entries(texts)) await expectValue(page, `#field-${code}`, text);

  await page.check(`#na-${missing}`);
  response = await clickAndWaitForPage(page, 'Skicka in');
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).pathname, `${formPath}/versioner/1`);
  await expectText(page.locator('h1'), 'Rapporten är inskickad');
  await expectText(page.locator('[role=status]'), 'version 1');
  await expectText(page.locator('main'), texts[QUESTION_CODES[0]]);

  await page.goto(formPath);
  assert.equal(await page.locator('textarea').count(), 0, 'the submitted report is read-only');
  await context.close();
});

test('a conflict without JavaScript shows the saved text, and saving again keeps mine', async () => {
  const x = await noJsForm(ACCOUNTS.skarholmen);
  const code = QUESTION_CODES[2];
  const untouched = QUESTION_CODES[5];
  // A multi-line answer both will leave alone: the browser posts it with CRLF line breaks,
  // which must not count as a change (and so not as a conflict).
  await x.page.fill(`#field-${untouched}`, 'Första raden.\nAndra raden.');
  await x.page.fill(`#field-${code}`, `Utgångsläge. ${marker('x')}`);
  await clickAndWaitForPage(x.page, 'Spara');
  await expectText(x.page.locator('.notice[role=status]'), /^Sparat/);
  await x.page.goto(x.formPath);

  // A colleague (another session, also without JavaScript) changes the same answer.
  const y = await noJsForm(ACCOUNTS.skarholmen);
  const theirs = `Kollegans nya text. ${marker('y')}`;
  await y.page.fill(`#field-${code}`, theirs);
  await clickAndWaitForPage(y.page, 'Spara');
  await expectText(y.page.locator('.notice[role=status]'), /^Sparat/);

  // X, on the stale page, changes it too, and another answer that nobody else touched.
  const mine = `Min text, skriven på en gammal sida. ${marker('x')}`;
  const other = `Ett annat svar. ${marker('x')}`;
  await x.page.fill(`#field-${code}`, mine);
  await x.page.fill(`#field-${QUESTION_CODES[3]}`, other);
  const response = await clickAndWaitForPage(x.page, 'Spara');
  assert.equal(response.status(), 409);
  const summary = x.page.locator('.error-summary[role=alert]');
  await expectText(summary, 'Svar som ändrades av någon annan medan du skrev');
  assert.match(await x.page.title(), /^Fel: /);
  const hrefs = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs, [`#field-${code}`], 'only the changed answer is in conflict');
  const conflict = x.page.locator(`#conflict-${code}`);
  await expectText(conflict, /^Fråga \d+\.\d+ ändrades av någon annan medan du skrev\./);
  await expectText(conflict.locator('.their-text'), theirs);
  await expectValue(x.page, `#field-${code}`, mine);
  const describedBy = await x.page.getAttribute(`#field-${code}`, 'aria-describedby');
  assert.ok(describedBy?.split(' ').includes(`conflict-${code}`), 'the conflict describes the field');
  // The answer without a conflict was saved all the same.
  await expectValue(x.page, `#field-${QUESTION_CODES[3]}`, other);

  // Saving again keeps mine.
  await clickAndWaitForPage(x.page, 'Spara');
  assert.equal(new URL(x.page.url()).pathname, x.formPath);
  await expectText(x.page.locator('.notice[role=status]'), SAVED);
  await x.page.goto(x.formPath);
  await expectValue(x.page, `#field-${code}`, mine);
  await expectValue(x.page, `#field-${untouched}`, 'Första raden.\nAndra raden.');
  await y.page.goto(y.formPath);
  await expectValue(y.page, `#field-${code}`, mine);
  await expectValue(y.page, `#field-${QUESTION_CODES[3]}`, other);

  await x.context.close();
  await y.context.close();
});

test('signing in without JavaScript: an empty form gets the Swedish error summary, not the browser\'s pop-ups', async () => {
  const context = await newContext(browser, demo.baseURL, { javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/logga-in');
  // The browser sends the empty form (novalidate): the server answers, in Swedish.
  let response = await clickAndWaitForPage(page, 'Logga in');
  assert.equal(response.status(), 400);
  assert.equal(await page.title(), 'Fel: Logga in – Tertial');
  const summary = page.locator('.error-summary[role=alert]');
  const hrefs = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs, ['#email', '#password']);
  await expectText(page.locator('#email-error'), 'Ange din e-postadress.');
  await expectText(page.locator('#password-error'), 'Ange ditt lösenord.');
  assert.equal(await page.getAttribute('#email', 'aria-invalid'), 'true');

  await page.fill('#email', ACCOUNTS.bromma);
  response = await clickAndWaitForPage(page, 'Logga in');
  assert.equal(response.status(), 400);
  assert.equal(await page.inputValue('#email'), ACCOUNTS.bromma, 'the address is kept');
  assert.deepEqual(
    await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
    ['#password'],
  );
  await page.fill('#password', 'tertial-demo');
  await clickAndWaitForPage(page, 'Logga in');
  assert.equal(new URL(page.url()).pathname, '/rapporter');
  assert.equal(await page.title(), 'Mina rapporter – Tertial');
  await context.close();
});
