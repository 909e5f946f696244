// The compiled report: the coordinator previews T1 2022 (Skärholmen submitted), writes a
// focus area's summary without JavaScript, changes the settings, publishes; the reader lists
// what is published and reads a version. axe checks every page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { expectNoAxeViolations, launchBrowser, signedInPage } from './browser.mjs';
import { ACCOUNTS, startDemo } from './server.mjs';

let demo;
let browser;
let coordinator; // { context, page }
let preview; // the compiled report's path

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
  coordinator = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

test('the coordinator previews the compiled report from the round dashboard', async () => {
  const { page } = coordinator;
  await page.goto('/omgangar');
  await page.getByRole('link', { name: 'Tertialrapport 1 2022' }).click();
  await page.getByRole('link', { name: /^Sammanställning/ }).click();
  await page.waitForURL(/\/omgangar\/\d+\/rapport$/);
  preview = new URL(page.url()).pathname;
  await page.getByRole('heading', { level: 1, name: 'Näringslivsrapport Tertialrapport 1 2022' }).waitFor();
  await page.getByRole('heading', { level: 4, name: /Skärholmen/ }).first().waitFor();
  await page.getByRole('navigation', { name: 'Innehåll' }).getByRole('link').first().waitFor();
  for (const name of ['Word', 'PDF', 'Excel', 'Markdown (textfil)', 'JSON']) {
    await page.getByRole('link', { name, exact: true }).waitFor();
  }
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Word', exact: true }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^Naringslivsrapport-Tertialrapport-1-2022\.docx$/);
  await expectNoAxeViolations(page, 'the compiled report');
  // On paper, the navigation and the forms are left out.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.site-header').isVisible(), false);
  assert.equal(await page.locator('form').first().isVisible(), false);
  await page.emulateMedia({ media: 'screen' });
});

test('a summary is written and the settings changed without JavaScript', async () => {
  const nojs = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator, { javaScriptEnabled: false });
  const { page } = nojs;
  await page.goto(preview);
  await page.getByRole('link', { name: /^Skriv sammanfattning för 1\./ }).click();
  await page.waitForURL(/sammanfattning\/1$/);
  await page.getByLabel('Sammanfattning').fill('Stadsdelarna samverkar med näringslivet.\n\n- Företagsfrukostar');
  await page.getByRole('button', { name: 'Spara sammanfattningen' }).click();
  await page.waitForURL(/sparad=1/);
  await page.getByText('Stadsdelarna samverkar med näringslivet.').waitFor();
  await page.getByRole('listitem').filter({ hasText: 'Företagsfrukostar' }).waitFor();
  await page.getByLabel('Rubrik').fill('');
  await page.getByRole('button', { name: 'Spara inställningar' }).click();
  await page.locator('.error-summary').getByText('Skriv en rubrik för sammanställningen.').waitFor();
  await page.getByLabel('Rubrik').fill('Näringslivsrapport T1 2022');
  await page.getByRole('button', { name: 'Spara inställningar' }).click();
  await page.waitForURL(/sparad=1/);
  await page.getByRole('heading', { level: 1, name: 'Näringslivsrapport T1 2022' }).waitFor();
  await nojs.context.close();
  // axe needs scripts: the pages are checked as they are with JavaScript on.
  await coordinator.page.goto(`${preview}/sammanfattning/1`);
  await expectNoAxeViolations(coordinator.page, 'the summary editor');
  await coordinator.page.goto(preview);
  await coordinator.page.getByLabel('Rubrik').fill('');
  await coordinator.page.getByRole('button', { name: 'Spara inställningar' }).click();
  await coordinator.page.locator('.error-summary').waitFor();
  await expectNoAxeViolations(coordinator.page, 'the settings with an error');
});

test('the coordinator publishes; the reader lists and reads the published version', async () => {
  const { page } = coordinator;
  await page.goto(preview);
  await page.getByRole('button', { name: 'Publicera sammanställningen' }).click();
  await page.waitForURL(/publicerad=1/);
  await page.getByRole('link', { name: 'Version 1' }).waitFor();

  const reader = await signedInPage(browser, demo.baseURL, ACCOUNTS.reader);
  await reader.page.goto('/');
  await reader.page.waitForURL(/\/publicerat$/);
  await expectNoAxeViolations(reader.page, 'the published reports');
  await reader.page.getByRole('link', { name: 'Näringslivsrapport T1 2022, version 1' }).click();
  await reader.page.waitForURL(/\/publicerat\/\d+\/1$/);
  await reader.page.getByText('Stadsdelarna samverkar med näringslivet.').waitFor();
  await reader.page.getByRole('heading', { level: 4, name: /Skärholmen/ }).first().waitFor();
  await expectNoAxeViolations(reader.page, 'a published version');
  const [pdf] = await Promise.all([
    reader.page.waitForEvent('download'),
    reader.page.getByRole('link', { name: 'PDF', exact: true }).click(),
  ]);
  assert.match(pdf.suggestedFilename(), /-version-1\.pdf$/);
  await reader.context.close();
});
