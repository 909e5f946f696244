// The review loop in the browser (issue 7 §4): Skärholmen submits T2 and asks to reopen it,
// the coordinator declines; the coordinator returns it with a comment on one answer, the
// reporter sees the comment beside that answer, completes and resubmits, the coordinator
// sees the change word by word and approves. axe-core on every new page and state.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { expectNoAxeViolations, launchBrowser, myReportIds, signedInPage } from './browser.mjs';
import { clickAndWaitForPage, expectText, fillCompleteReport, QUESTION_CODES } from './form.mjs';
import { ACCOUNTS, startDemo } from './server.mjs';

const T2 = 'Tertialrapport 2 2022';
const COMMENTED = QUESTION_CODES[1];
const ADDED = 'Företagen i Skärholmens centrum deltog i två träffar.';

let demo;
let browser;
let reporter; // { context, page }
let coordinator;
let reportPath;

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
  reporter = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  coordinator = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

test('the reporter submits T2 and asks to reopen it; the coordinator declines with an answer', async () => {
  const { page } = reporter;
  const id = (await myReportIds(page))[T2];
  assert.ok(id, 'Skärholmen has a T2 report');
  reportPath = `/rapporter/${id}`;
  await page.goto(reportPath);
  await fillCompleteReport(page);
  await clickAndWaitForPage(page, 'Skicka in');
  assert.match(page.url(), /\/versioner\/1\?kvittens=1$/);

  await page.goto(reportPath);
  await expectText(page.locator('#status-tag'), 'Inskickad');
  assert.equal(await page.locator('textarea').count(), 0, 'the submitted report has no fields');
  await expectNoAxeViolations(page, 'submitted report, with the link to ask to reopen');
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('link', { name: 'Be om att få öppna rapporten igen' }).click(),
  ]);
  await expectNoAxeViolations(page, 'the request form');
  await page.fill('#oppna-skal', 'Vi skrev fel antal företag i fråga 1.1.');
  await clickAndWaitForPage(page, 'Skicka begäran');
  await expectText(page.locator('.notice[role=status]'), 'Din begäran är skickad');
  await expectText(page.locator('#granskning').locator('..'), 'Väntar på svar från samordnaren.');
  await expectNoAxeViolations(page, 'request waiting');

  const c = coordinator.page;
  await c.goto(reportPath);
  await expectText(c.locator('section.review'), 'Vi skrev fel antal företag i fråga 1.1.');
  await expectNoAxeViolations(c, 'coordinator: submitted report with a waiting request');
  await c.fill('#begaran-svar', 'Rätta det när vi återsänder rapporten.');
  await clickAndWaitForPage(c, 'Avslå begäran');
  await expectText(c.locator('.notice[role=status]'), 'Begäran är avslagen.');

  await page.goto(reportPath);
  await expectText(page.locator('section.review'), 'Avslagen');
  await expectText(page.locator('section.review'), 'Rätta det när vi återsänder rapporten.');
  await expectText(page.locator('#status-tag'), 'Inskickad');
});

test('the coordinator returns the report with a comment on one answer', async () => {
  const c = coordinator.page;
  await c.goto(reportPath);
  // Only spaces as the report's comment: the report comes back with the form as typed.
  await c.fill('#atersand-kommentar', '   ');
  await c.fill(`#kommentar-${COMMENTED}`, 'Vilka företag deltog?');
  await clickAndWaitForPage(c, 'Återsänd version 1');
  await expectText(c.locator('.error-summary'), 'Skriv en kommentar till rapporten');
  assert.equal(await c.inputValue(`#kommentar-${COMMENTED}`), 'Vilka företag deltog?');
  assert.equal(await c.getAttribute('#atersand-kommentar', 'aria-invalid'), 'true');
  await expectNoAxeViolations(c, 'return refused: the form again with the reason');
  await c.fill('#atersand-kommentar', 'Komplettera fråga 1.2 och rätta fråga 1.1.');
  await clickAndWaitForPage(c, 'Återsänd version 1');
  await expectText(c.locator('.notice[role=status]'), 'Rapporten är återsänd');
  await expectText(c.locator('#status-tag'), 'Återsänd för komplettering');
  await expectText(c.locator('section.review'), 'Vilka företag deltog?');
  await expectNoAxeViolations(c, 'coordinator: returned report');
});

test('the reporter sees the comment beside the answer, completes and resubmits', async () => {
  const { page } = reporter;
  await page.goto(reportPath);
  await expectText(page.locator('.review-returned'), 'Komplettera fråga 1.2 och rätta fråga 1.1.');
  const comment = page.locator(`#review-${COMMENTED}`);
  await expectText(comment, 'Vilka företag deltog?');
  const describedBy = await page.locator(`#field-${COMMENTED}`).getAttribute('aria-describedby');
  assert.ok(describedBy.split(' ').includes(`review-${COMMENTED}`), describedBy);
  // The comment sits in the answer's own field block.
  assert.equal(await page.locator(`#falt-${COMMENTED} #review-${COMMENTED}`).count(), 1);
  await expectNoAxeViolations(page, 'reporter: returned report with comments');

  const field = page.locator(`#field-${COMMENTED}`);
  const before = await field.inputValue();
  await field.fill(`${before} ${ADDED}`);
  await clickAndWaitForPage(page, 'Skicka in');
  assert.match(page.url(), /\/versioner\/2\?kvittens=1$/);
});

test('the coordinator sees the change word by word, and approves', async () => {
  const c = coordinator.page;
  await c.goto(reportPath);
  await expectText(c.locator('.panel'), 'version 2');
  const inserted = c.locator('.diff ins');
  assert.equal(await inserted.count(), 1, 'one addition');
  await expectText(inserted, ADDED);
  assert.match(await inserted.textContent(), /^Tillagt: /, 'not told by colour alone');
  assert.equal(await c.locator('.diff').count(), 1, 'only the changed answer');
  await expectText(c.locator('.answer', { has: c.locator('.diff') }), 'Kommentar till version 1');
  await expectNoAxeViolations(c, 'coordinator: version 2 with the word diff');

  await c.fill('#godkann-kommentar', 'Tack för kompletteringen.');
  await clickAndWaitForPage(c, 'Godkänn version 2');
  await expectText(c.locator('#status-tag'), 'Godkänd');
  assert.equal(await c.locator('form[action$="/godkann"], form[action$="/atersand"]').count(), 0);
  await expectNoAxeViolations(c, 'coordinator: approved report');

  const { page } = reporter;
  await page.goto(reportPath);
  await expectText(page.locator('#status-tag'), 'Godkänd');
  assert.equal(await page.locator('form#rapport').count(), 0, 'read-only');
  assert.equal(await page.locator('a[href$="/oppna-igen"]').count(), 0, 'approved is final');
  await expectText(page.locator('section.review'), 'Tack för kompletteringen.');
  await expectNoAxeViolations(page, 'reporter: approved report');
});
