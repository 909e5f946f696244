// axe (WCAG 2.1 A and AA) on every page of Tertial, in the states a person meets them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  coordinatorReportId,
  expectNoAxeViolations,
  launchBrowser,
  myReportIds,
  newContext,
  signedInPage,
  submitSignIn,
  withoutFormScript,
} from './browser.mjs';
import {
  clickAndWaitForPage,
  expectSaved,
  expectText,
  fillCompleteReport,
  QUESTION_CODES,
  SAVED,
} from './form.mjs';
import { ACCOUNTS, startDemo } from './server.mjs';

let demo;
let browser;
let reporter; // { context, page } signed in as Skärholmen's reporter
let ids; // Skärholmen's report ids by round name

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
  reporter = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  ids = await myReportIds(reporter.page);
  assert.ok(ids['Tertialrapport 2 2022'], 'Skärholmen has a T2 report');
  assert.ok(ids['Tertialrapport 1 2022'], 'Skärholmen has a T1 report');
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

async function anonymousPage() {
  const context = await newContext(browser, demo.baseURL);
  return { context, page: await context.newPage() };
}

test('the axe helper finds violations (so that zero means something)', async () => {
  const { context, page } = await anonymousPage();
  await page.setContent(
    '<!DOCTYPE html><html><head><title>x</title></head><body><main><input type="text"></main></body></html>',
  );
  await assert.rejects(expectNoAxeViolations(page, 'a page with an unlabelled input'), /label/);
  await context.close();
});

test('sign-in page', async () => {
  const { context, page } = await anonymousPage();
  await page.goto('/logga-in');
  await expectNoAxeViolations(page, 'the sign-in page');
  await context.close();
});

test('sign-in page after a failed sign-in, with its error summary', async () => {
  const { context, page } = await anonymousPage();
  await page.goto('/logga-in');
  await page.fill('#email', ACCOUNTS.skarholmen);
  await page.fill('#password', 'fel-losenord');
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Logga in' }).click(),
  ]);
  assert.equal(response.status(), 400);
  await page.locator('.error-summary[role=alert]').waitFor();
  await expectNoAxeViolations(page, 'the sign-in page with an error');
  await context.close();
});


test('a form posted after the session ended: the sign-in page that keeps it, then the page to save it', async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  await withoutFormScript(context);
  await page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  const text = 'Skrivet precis innan sessionen tog slut.';
  await page.fill('#field-other_information', text);
  await context.clearCookies();
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Spara', exact: true }).click(),
  ]);
  assert.equal(response.status(), 401);
  await page.getByText('Det du skrev är inte sparat än').waitFor();
  await expectNoAxeViolations(page, 'the sign-in page keeping a posted form');
  await submitSignIn(page, ACCOUNTS.skarholmen);
  const save = page.getByRole('button', { name: 'Spara de texter jag har valt' });
  await save.waitFor();
  await expectNoAxeViolations(page, 'the page to save kept text, field by field');
  await page.getByRole('group', { name: 'Övriga upplysningar (frivilligt)' })
    .getByRole('checkbox', { name: 'Spara min text här' })
    .check();
  await Promise.all([page.waitForNavigation(), save.click()]);
  assert.equal(await page.inputValue('#field-other_information'), text);
  await page.getByText(SAVED).waitFor();
  await context.close();
});

test('accessibility statement, anonymous', async () => {
  const { context, page } = await anonymousPage();
  const response = await page.goto('/tillganglighet');
  assert.equal(response.status(), 200);
  await expectText(page.locator('h1'), 'Tillgänglighetsredogörelse');
  await expectNoAxeViolations(page, '/tillganglighet');
  await context.close();
});

test("reporter's list of reports", async () => {
  const { page } = reporter;
  await page.goto('/rapporter');
  await expectText(page.locator('h1'), 'Mina rapporter');
  await expectNoAxeViolations(page, '/rapporter');
});

test('the editable T2 form', async () => {
  const { page } = reporter;
  await page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  await page.locator('form#rapport').waitFor();
  // The script has run: the autosave hint shows.
  await page.locator('#autosave-hint').waitFor({ state: 'visible' });
  await expectNoAxeViolations(page, 'the editable form');
});

test('the form with a saved answer and its save status', async () => {
  const { page } = reporter;
  await page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  await page.fill(`#field-${QUESTION_CODES[0]}`, 'Ett första svar.');
  await expectSaved(page, QUESTION_CODES[0]);
  await expectNoAxeViolations(page, 'the form after an autosave');
});

test('the form after Spara, with its notice', async () => {
  const { page } = reporter;
  await page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  await clickAndWaitForPage(page, 'Spara');
  await expectText(page.locator('.notice[role=status]'), SAVED);
  await expectNoAxeViolations(page, 'the form with the saved notice');
});

test('the form re-rendered with submission errors (422)', async () => {
  const { page } = reporter;
  await page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  const response = await clickAndWaitForPage(page, 'Skicka in');
  assert.equal(response.status(), 422);
  await page.locator('.error-summary[role=alert] a[href^="#field-"]').first().waitFor();
  await page.locator('.field-error').first().waitFor();
  await expectNoAxeViolations(page, 'the form with errors');
});

test('a conflict beside its field, closed and opened', async () => {
  const id = ids['Tertialrapport 2 2022'];
  const code = QUESTION_CODES[1];
  const other = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  const { page } = reporter;
  await page.goto(`/rapporter/${id}`);
  await other.page.goto(`/rapporter/${id}`);
  await other.page.fill(`#field-${code}`, 'Kollegans text.');
  await expectSaved(other.page, code);
  await page.fill(`#field-${code}`, 'Min text.');
  const compare = page.locator(`details#compare-${code}`);
  await compare.waitFor();
  await expectText(page.locator(`#status-${code}`), 'ändrades av någon annan medan du skrev');
  await expectNoAxeViolations(page, 'the form with a conflict beside its field');
  await compare.locator('summary').click();
  await expectNoAxeViolations(page, 'the form with a conflict opened beside its field');
  await compare.getByRole('button', { name: 'Behåll min text' }).click();
  await expectSaved(page, code);
  await other.context.close();
});

test('the form re-rendered with a conflict without JavaScript (409)', async () => {
  const id = ids['Tertialrapport 2 2022'];
  const code = QUESTION_CODES[3];
  // axe needs JavaScript, so "without JavaScript" here means without the form's script.
  const noJs = await withoutFormScript(await newContext(browser, demo.baseURL));
  const page = await noJs.newPage();
  await page.goto('/logga-in');
  await submitSignIn(page, ACCOUNTS.skarholmen);
  await page.goto(`/rapporter/${id}`);
  assert.ok(await page.locator('#autosave-hint').isHidden(), 'the form script did not run');
  // A colleague saves the same answer meanwhile.
  await reporter.page.goto(`/rapporter/${id}`);
  await reporter.page.fill(`#field-${code}`, 'Kollegans svar.');
  await expectSaved(reporter.page, code);
  await page.fill(`#field-${code}`, 'Mitt svar.');
  const response = await clickAndWaitForPage(page, 'Spara');
  assert.equal(response.status(), 409);
  await page.locator(`#conflict-${code}`).waitFor();
  await expectNoAxeViolations(page, 'the form with a conflict (no JavaScript)');
  await noJs.close();
});

test('the form with the signed-out banner', async () => {
  const id = ids['Tertialrapport 2 2022'];
  const code = QUESTION_CODES[4];
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  await page.goto(`/rapporter/${id}`);
  await context.clearCookies();
  await page.fill(`#field-${code}`, 'Text som väntar.');
  await page.locator('#offline-banner').waitFor({ state: 'visible' });
  await expectText(page.locator(`#status-${code}`), /^Inte sparat/);
  await page.locator(`#status-${code}`).getByRole('link', { name: 'Logga in igen' }).waitFor();
  await expectNoAxeViolations(page, 'the form with the signed-out banner');
  await context.close();
});

test('the receipt after submitting', async () => {
  const { page } = reporter;
  const id = ids['Tertialrapport 2 2022'];
  await page.goto(`/rapporter/${id}`);
  await fillCompleteReport(page, { notApplicable: QUESTION_CODES[2] });
  await clickAndWaitForPage(page, 'Skicka in');
  assert.match(page.url(), new RegExp(`/rapporter/${id}/versioner/1\\?kvittens=1$`));
  await expectText(page.locator('h1'), 'Rapporten är inskickad');
  await expectNoAxeViolations(page, 'the receipt');
});

test('a submitted version', async () => {
  const { page } = reporter;
  const response = await page.goto(`/rapporter/${ids['Tertialrapport 1 2022']}/versioner/1`);
  assert.equal(response.status(), 200);
  await expectText(page.locator('h1'), 'Inskickad version 1');
  await expectNoAxeViolations(page, 'a submitted version');
});

test('the closed T1 report, read-only', async () => {
  const { page } = reporter;
  await page.goto(`/rapporter/${ids['Tertialrapport 1 2022']}`);
  assert.equal(await page.locator('form#rapport').count(), 0, 'the closed report has no form');
  await expectNoAxeViolations(page, 'the closed T1 report');
});

test('the submitted T2 report, read-only', async () => {
  const { page } = reporter;
  await page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  assert.equal(await page.locator('textarea').count(), 0, 'the submitted report has no fields');
  await expectNoAxeViolations(page, 'the submitted T2 report');
});

test("coordinator's rounds, a round's overview and a draft's status-only view", async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
  assert.equal(new URL(page.url()).pathname, '/omgangar');
  await expectNoAxeViolations(page, '/omgangar');

  const brommaId = await coordinatorReportId(page, 'Tertialrapport 2 2022', 'Bromma');
  await expectNoAxeViolations(page, '/omgangar/{id}');

  await page.goto(`/rapporter/${brommaId}`);
  await page.locator('.panel').waitFor();
  await expectNoAxeViolations(page, "the coordinator's status-only view of a report");
  await context.close();
});

test("reader's published page", async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.reader);
  assert.equal(new URL(page.url()).pathname, '/publicerat');
  await expectNoAxeViolations(page, '/publicerat');
  await context.close();
});

test('the 404 page, anonymous and signed in', async () => {
  const { context, page } = await anonymousPage();
  let response = await page.goto('/finns-inte');
  assert.equal(response.status(), 404);
  await expectText(page.locator('h1'), 'Sidan finns inte');
  await expectNoAxeViolations(page, 'the 404 page');
  await context.close();

  response = await reporter.page.goto('/rapporter/999999');
  assert.equal(response.status(), 404);
  await expectNoAxeViolations(reporter.page, 'the 404 page for a missing report');
});

test('the sign-in page reached from a signed-out form (with its notice)', async () => {
  const { context, page } = await anonymousPage();
  await page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  assert.equal(new URL(page.url()).pathname, '/logga-in');
  await page.locator('.notice[role=status]').waitFor();
  await expectNoAxeViolations(page, 'the sign-in page with a notice');
  // And signing in returns to the form.
  await submitSignIn(page, ACCOUNTS.skarholmen);
  assert.equal(new URL(page.url()).pathname, `/rapporter/${ids['Tertialrapport 2 2022']}`);
  await context.close();
});

/**
 * What sticks out to the right of a `width` CSS px wide viewport, tables aside (data tables
 * are two-dimensional content, which WCAG 1.4.10 exempts).
 */
async function overflowing(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const el = node.parentElement;
      if (!node.textContent.trim() || el.closest('table, .visually-hidden, [hidden], dialog:not([open])')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const right = Math.max(0, ...[...range.getClientRects()].map((r) => r.right));
      if (right > width + 1) {
        const words = node.textContent.trim().split(/\s+/);
        found.push(`${el.tagName.toLowerCase()} "${words.slice(0, 8).join(' ')}" reaches ${Math.round(right)} px`);
      }
    }
    return found;
  });
}

test(
  'pages reflow at 320 CSS px, as at 400 % zoom (WCAG 1.4.10; axe cannot check this)',
  async () => {
    const pages = [
      [null, '/logga-in'],
      [null, '/tillganglighet'],
      [null, '/finns-inte'],
      [reporter, '/rapporter'],
      [reporter, `/rapporter/${ids['Tertialrapport 2 2022']}`],
      [reporter, `/rapporter/${ids['Tertialrapport 1 2022']}`],
      [reporter, `/rapporter/${ids['Tertialrapport 1 2022']}/versioner/1`],
    ];
    const problems = [];
    const anonymous = await anonymousPage();
    for (const [who, path] of pages) {
      const page = who ? who.page : anonymous.page;
      await page.setViewportSize({ width: 320, height: 640 });
      await page.goto(path);
      for (const p of await overflowing(page)) problems.push(`${path}: ${p}`);
    }
    await reporter.page.setViewportSize({ width: 1280, height: 720 });
    await anonymous.context.close();
    assert.deepEqual(problems, [], `content does not reflow at 320 px:\n${problems.join('\n')}`);
  },
);
