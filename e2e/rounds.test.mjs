// Rounds run from the browser: the coordinator creates a round, previews what each body will
// be asked, opens it, and follows it on the round's dashboard (filtered and sorted with plain
// GET forms, which also work without JavaScript). axe checks every new page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { expectNoAxeViolations, launchBrowser, newContext, signedInPage, signIn } from './browser.mjs';
import { ACCOUNTS, startDemo } from './server.mjs';

let demo;
let browser;
let coordinator; // { context, page }
let dashboard; // the new round's dashboard path

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
  coordinator = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

test('a round asked for wrongly is refused with its message beside the field', async () => {
  const { page } = coordinator;
  await page.goto('/omgangar');
  await page.getByRole('link', { name: 'Ny omgång' }).click();
  await page.waitForURL(/\/omgangar\/ny$/);
  await expectNoAxeViolations(page, '/omgangar/ny');
  // Every body gets questions (the 13 districts, three specialist committees and a company
  // board): all are chosen from the start.
  const boxes = page.locator('#bodies input[type=checkbox]');
  assert.equal(await boxes.count(), 17);
  assert.equal(await page.locator('#bodies input[type=checkbox]:checked').count(), 17);

  await page.selectOption('#period', 'T2');
  await page.fill('#year', '2022');
  await page.fill('#deadline', '2020-01-01');
  await page.getByRole('button', { name: 'Förhandsgranska' }).click();
  await page.waitForURL(/\/omgangar\/ny\/granska/);
  const summary = page.locator('.error-summary');
  await summary.getByText('Sista svarsdag har redan passerat').waitFor();
  await summary.getByText('Det finns redan en omgång för den perioden').waitFor();
  await expectNoAxeViolations(page, 'the new round with errors');
  // The summary's links lead to the fields.
  await summary.getByRole('link', { name: /Sista svarsdag har redan passerat/ }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'deadline');
});

test('the coordinator previews and opens a round, then follows it on its dashboard', async () => {
  const { page } = coordinator;
  await page.goto('/omgangar/ny');
  await page.selectOption('#period', 'VB');
  await page.fill('#year', '2022');
  await page.fill('#deadline', '2030-01-31');
  // Leave one body out.
  await page.getByLabel(/^Bromma stadsdelsnämnd/).uncheck();
  await page.getByRole('button', { name: 'Förhandsgranska' }).click();
  await page.waitForURL(/\/omgangar\/ny\/granska/);
  await page.getByRole('heading', { name: 'Förhandsgranska Verksamhetsberättelse 2022' }).waitFor();
  assert.equal(await page.locator('details.preview-body').count(), 16);
  await page.locator('details.preview-body summary').first().click();
  await expectNoAxeViolations(page, 'the preview');

  await page.getByRole('button', { name: 'Öppna omgången' }).click();
  await page.waitForURL(/\/omgangar\/\d+\?oppnad=1$/);
  dashboard = new URL(page.url()).pathname;
  await page.getByText('Omgången är öppnad').waitFor();
  assert.equal(await page.locator('table tbody tr').count(), 16);
  await page.getByRole('link', { name: 'Ej påbörjad (16)' }).waitFor();
  await expectNoAxeViolations(page, 'the dashboard');
});

test('the dashboard filters and sorts with plain GET forms, also without JavaScript', async () => {
  // Skärholmen starts a draft in the new round.
  const reporter = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  await reporter.page.goto('/rapporter');
  await reporter.page.getByRole('link', { name: 'Verksamhetsberättelse 2022', exact: true }).click();
  await reporter.page.getByRole('button', { name: 'Spara' }).waitFor();
  const first = reporter.page.locator('textarea').first();
  await first.fill('Ett första utkast.');
  await reporter.page.getByRole('button', { name: 'Spara' }).click();
  await reporter.page.waitForURL(/sparat=/);
  await reporter.context.close();

  const context = await newContext(browser, demo.baseURL, { javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, ACCOUNTS.coordinator);
  await page.goto(dashboard);
  await page.selectOption('#status', 'draft');
  await page.selectOption('#sortera', 'andrad');
  await page.getByRole('button', { name: 'Visa' }).click();
  await page.waitForURL(/status=draft&sortera=andrad/);
  const rows = page.locator('table tbody tr');
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().innerText(), /Skärholmen/);
  // The status links keep the sort.
  await page.getByRole('link', { name: 'Ej påbörjad (15)' }).click();
  await page.waitForURL(/status=not_started&sortera=andrad/);
  assert.equal(await page.locator('table tbody tr').count(), 15);
  await context.close();

  const { page: withJs } = coordinator;
  await withJs.goto(`${dashboard}?status=draft&sortera=status`);
  await expectNoAxeViolations(withJs, 'the dashboard, filtered');
  await withJs.goto(`${dashboard}?status=approved`);
  await withJs.getByText('Inga organ har den statusen.').waitFor();
  await expectNoAxeViolations(withJs, 'the dashboard, nothing to show');
});

test('the coordinator moves a deadline and closes the round', async () => {
  const { page } = coordinator;
  await page.goto(dashboard);
  await page.getByRole('link', { name: 'Ändra sista svarsdag' }).click();
  await page.waitForURL(/sista-svarsdag$/);
  await expectNoAxeViolations(page, 'the deadline page');
  // Earlier than now: refused, with the message at the field.
  await page.fill('#deadline', '2029-01-01');
  await page.getByRole('button', { name: 'Ändra för hela omgången' }).click();
  await page.locator('.error-summary').getByText('måste vara senare än den nuvarande').waitFor();
  await expectNoAxeViolations(page, 'the deadline page with an error');
  const value = await page
    .locator('#report option', { hasText: 'Skärholmens stadsdelsnämnd' })
    .getAttribute('value');
  await page.selectOption('#report', value);
  await page.fill('#body-deadline', '2030-03-01');
  await page.getByRole('button', { name: 'Ändra för organet' }).click();
  await page.waitForURL(/\?andrad=1$/);
  await page.getByText('Sista svarsdag är ändrad.').waitFor();
  const row = page.locator('tbody tr', { has: page.locator('th', { hasText: 'Skärholmen' }) });
  assert.match(await row.innerText(), /1 mars 2030 \(egen\)/);

  await page.getByRole('button', { name: 'Stäng omgången' }).click();
  await page.waitForURL(/\?stangd=1$/);
  await page.getByText('Omgången är stängd. Inga fler svar').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Stäng omgången' }).count(), 0);
  await expectNoAxeViolations(page, 'the closed round');
});
