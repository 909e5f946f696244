// Comparing rounds in the browser: the coordinator goes from the round's dashboard to one
// body's answers in T1 and T2 side by side, to every body's answer to one question, and to
// the round's list of questions; a reporter compares their own body's rounds. The body and
// the round are chosen with a plain GET form, which also works without JavaScript. axe checks
// every comparison page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { expectNoAxeViolations, launchBrowser, myReportIds, newContext, signedInPage, signIn } from './browser.mjs';
import { clickAndWaitForPage, fillCompleteReport } from './form.mjs';
import { ACCOUNTS, startDemo } from './server.mjs';

let demo;
let browser;
let coordinator; // { context, page }
let dashboard; // T2's dashboard path

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
  // Skärholmen submits T2, so that both rounds hold a submitted version to compare.
  const reporter = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  const ids = await myReportIds(reporter.page);
  await reporter.page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  await fillCompleteReport(reporter.page, { prefix: 'Nytt svar' });
  await clickAndWaitForPage(reporter.page, 'Skicka in');
  await reporter.context.close();
  coordinator = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
  await coordinator.page.goto('/omgangar');
  await coordinator.page.getByRole('link', { name: 'Tertialrapport 2 2022', exact: true }).click();
  await coordinator.page.waitForURL(/\/omgangar\/\d+$/);
  dashboard = new URL(coordinator.page.url()).pathname;
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

test('from the dashboard to one body across two rounds, and to one question across bodies', async () => {
  const { page } = coordinator;
  await page.goto(dashboard);
  await page.getByRole('link', { name: /^Jämför med föregående omgång\s*: Skärholmens stadsdelsnämnd$/ }).click();
  await page.waitForURL(/\/jamfor\?organ=\d+$/);
  await page.getByRole('heading', { name: 'Jämför omgångar: Skärholmens stadsdelsnämnd', level: 1 }).waitFor();
  assert.ok((await page.locator('.diff ins').count()) > 0, 'the changes are marked');
  assert.match(await page.locator('.diff ins').first().textContent(), /^Tillagt: Nytt/);
  await expectNoAxeViolations(page, 'a body across two rounds');

  await page.getByRole('link', { name: 'Alla organs svar på fråga 1.1' }).click();
  await page.waitForURL(/\/fragor\/[a-z-]+\/jamfor\?mot=\d+$/);
  await page.getByRole('heading', { name: 'Fråga 1.1: jämför omgångar', level: 1 }).waitFor();
  const skarholmen = page.locator('section', { has: page.getByRole('heading', { name: 'Skärholmens stadsdelsnämnd' }) });
  await skarholmen.getByText('Ändrad', { exact: true }).waitFor();
  const bromma = page.locator('section', { has: page.getByRole('heading', { name: 'Bromma stadsdelsnämnd' }) });
  await bromma.getByText('Inget svar', { exact: true }).waitFor();
  await expectNoAxeViolations(page, 'a question across bodies');

  await page.goto(dashboard);
  await page.getByRole('link', { name: 'Jämför svaren fråga för fråga med Tertialrapport 1 2022' }).click();
  await page.waitForURL(/\/fragor$/);
  await page.getByRole('heading', { name: 'Frågor i Tertialrapport 2 2022', level: 1 }).waitFor();
  // The districts' eight questions and the six example questions for committees and boards.
  assert.equal(await page.locator('tbody tr').count(), 14);
  await expectNoAxeViolations(page, 'the round\'s questions');
});

test('the body and the round are chosen with a plain GET form, also without JavaScript', async () => {
  const context = await newContext(browser, demo.baseURL, { javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, ACCOUNTS.coordinator);
  await page.goto(`${dashboard}/jamfor`);
  await page.getByLabel('Organ', { exact: true }).selectOption({ label: 'Skärholmens stadsdelsnämnd' });
  await page.getByLabel('Jämför med omgång').selectOption({ label: 'Tertialrapport 1 2022' });
  await page.getByRole('button', { name: 'Jämför' }).click();
  await page.waitForURL(/\/jamfor\?organ=\d+&mot=\d+$/);
  await page.getByRole('heading', { name: 'Jämför omgångar: Skärholmens stadsdelsnämnd', level: 1 }).waitFor();
  assert.ok((await page.locator('.diff del').count()) > 0, 'the removed words are marked');

  await page.getByRole('link', { name: 'Alla organs svar på fråga 1.2' }).click();
  await page.getByLabel('Jämför med omgång').selectOption({ label: 'Tertialrapport 1 2022' });
  await page.getByRole('button', { name: 'Jämför' }).click();
  await page.waitForURL(/\/fragor\/[a-z-]+\/jamfor\?mot=\d+$/);
  await page.getByRole('heading', { name: 'Fråga 1.2: jämför omgångar', level: 1 }).waitFor();
  await context.close();
});

test('a reporter compares their own body\'s rounds', async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  await page.goto(`${dashboard}/jamfor`);
  await page.getByRole('heading', { name: 'Jämför omgångar: Skärholmens stadsdelsnämnd', level: 1 }).waitFor();
  assert.equal(await page.getByLabel('Organ', { exact: true }).locator('option').count(), 1);
  await expectNoAxeViolations(page, 'a reporter\'s own body across two rounds');
  await context.close();
});
