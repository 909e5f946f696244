// Searching answers in the browser: the coordinator searches from the top menu and from a
// round's dashboard (the round filter set), with inflected words and a phrase; hits are
// grouped by round and question with the found words marked; a reader finds nothing until a
// compiled report is published. axe checks the page with hits and with a refused query, and
// the whole search works without JavaScript.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { expectNoAxeViolations, launchBrowser, newContext, signedInPage, signIn } from './browser.mjs';
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

test('the coordinator searches from the menu and from a round, and sees the words marked', async () => {
  const { page, context } = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
  await page.getByRole('link', { name: 'Sök', exact: true }).click();
  await page.waitForURL(/\/sok$/);
  await page.getByRole('heading', { name: 'Sök i svaren', level: 1 }).waitFor();
  await page.getByLabel('Sök efter').fill('samverkar');
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await page.waitForURL(/\/sok\?q=samverkar/);
  const hits = page.locator('.search-hits li');
  assert.ok((await hits.count()) > 0, 'Skärholmen\'s T1 answers are found');
  // "samverkar" finds "samverkan", marked.
  const marked = await page.locator('.search-snippet mark').allTextContents();
  assert.ok(marked.some((m) => /^samverk/i.test(m)), marked.join(', '));
  await page.getByRole('heading', { level: 3, name: /^Tertialrapport 1 2022: / }).first().waitFor();
  await expectNoAxeViolations(page, 'the search page with hits');

  await hits.first().getByRole('link', { name: 'Skärholmens stadsdelsnämnd' }).click();
  await page.waitForURL(/\/rapporter\/\d+\/versioner\/1$/);

  // From the round's dashboard: the round is chosen.
  await page.goto('/omgangar');
  await page.getByRole('link', { name: 'Tertialrapport 1 2022', exact: true }).click();
  await page.getByRole('link', { name: 'Sök i omgångens svar' }).click();
  await page.waitForURL(/\/sok\?omgang=\d+$/);
  assert.equal(await page.getByLabel('Omgång').locator('option:checked').textContent(), 'Tertialrapport 1 2022');
  await page.getByLabel('Sök efter').fill('och att');
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await page.getByRole('alert').getByText('bara vanliga småord').waitFor();
  assert.equal(await page.getByLabel('Sök efter').inputValue(), 'och att');
  await expectNoAxeViolations(page, 'the search page with a refused query');
  await context.close();
});

test('without JavaScript, a phrase and filters work as a plain GET form; a reader finds only what is published', async () => {
  const context = await newContext(browser, demo.baseURL, { javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, ACCOUNTS.coordinator);
  await page.goto('/sok');
  await page.getByLabel('Sök efter').fill('"lokala näringslivet"');
  await page.getByLabel('Typ av organ').selectOption({ label: 'Stadsdelsnämnd' });
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await page.waitForURL(/\/sok\?q=.*&typ=district_committee/);
  assert.ok((await page.locator('.search-hits li').count()) > 0);
  const marked = await page.locator('.search-snippet mark').allTextContents();
  assert.ok(marked.includes('lokala') && marked.includes('näringslivet'), marked.join(', '));
  await context.close();

  const reader = await signedInPage(browser, demo.baseURL, ACCOUNTS.reader);
  await reader.page.goto('/sok?q=samverkan');
  await reader.page.getByText('Inga svar hittades').waitFor();
  await expectNoAxeViolations(reader.page, 'the reader\'s search without hits');
  await reader.context.close();
});
