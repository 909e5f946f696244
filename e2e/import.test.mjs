// Answers from a Word or text file: Skärholmen's reporter goes from the form to "Hämta svar
// från Word-fil", uploads the old template's text, reads the preview, confirms, and sees the
// answers in the form. axe checks the upload page (also with its error) and the preview.
// The same flow without JavaScript; and the coordinator's historic import into T1.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';

import { coordinatorReportId, expectNoAxeViolations, launchBrowser, myReportIds, signedInPage } from './browser.mjs';
import { ACCOUNTS, repoRoot, startDemo } from './server.mjs';

const FIXTURE = resolve(repoRoot, '..', 'shared', 'fixtures', 'uppfoljning-naringsliv-sdn-2022.txt');

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

/** A copy of the fixture whose first answer starts with `marker`, in a file of its own. */
function fixtureWith(marker) {
  const text = readFileSync(FIXTURE, 'utf8');
  const changed = text.replace(/(med det lokala näringslivet inom stadsdelsnämndens geografiska område\.\s*\n)/, `$1${marker} `);
  assert.notEqual(changed, text, 'the first answer was found');
  const path = join(tmpdir(), `tertial-import-${process.pid}-${marker}.txt`);
  writeFileSync(path, changed);
  return path;
}

/** Uploads `file` on the current upload page and waits for the preview. */
async function uploadAndPreview(page, file) {
  await page.getByLabel('Fil', { exact: true }).setInputFiles(file);
  await Promise.all([
    page.waitForURL(/\/import\/\d+$/),
    page.getByRole('button', { name: 'Förhandsgranska' }).click(),
  ]);
  await page.getByRole('heading', { level: 1, name: /^Förhandsgranska svaren från / }).waitFor();
}

test('upload, preview and confirm, clicked through with axe on each page', async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  const ids = await myReportIds(page);
  const report = ids['Tertialrapport 2 2022'];
  await page.goto(`/rapporter/${report}`);
  await page.getByRole('link', { name: 'Hämta svar från Word-fil' }).click();
  await page.waitForURL(`**/rapporter/${report}/import`);
  await page.getByRole('heading', { level: 1, name: 'Hämta svar från Word-fil' }).waitFor();
  await expectNoAxeViolations(page, 'the upload page');

  // A file that is not a form: the message, on the form again.
  const junk = join(tmpdir(), `tertial-import-${process.pid}.docx`);
  writeFileSync(junk, 'inte en Word-fil');
  await page.getByLabel('Fil', { exact: true }).setInputFiles(junk);
  await page.getByRole('button', { name: 'Förhandsgranska' }).click();
  await page.getByRole('heading', { name: 'Filen kunde inte läsas in' }).waitFor();
  await expectNoAxeViolations(page, 'the upload page with an error');

  await uploadAndPreview(page, fixtureWith('Webbimport'));
  assert.match(await page.locator('main').innerText(), /8 av 8 frågor besvaras i filen/);
  await page.getByText('Kontaktperson Exempel').first().waitFor();
  await expectNoAxeViolations(page, 'the preview');

  await page.getByRole('button', { name: 'Använd svaren' }).click();
  await page.getByRole('heading', { level: 1, name: /^Svaren från / }).waitFor();
  await page.getByRole('link', { name: 'Till rapporten' }).click();
  await page.waitForURL(`**/rapporter/${report}`);
  const first = await page.locator('textarea').first().inputValue();
  assert.match(first, /Webbimport/, 'the form shows the imported answer');
  await context.close();
});

test('the same flow without JavaScript', async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen, {
    javaScriptEnabled: false,
  });
  const ids = await myReportIds(page);
  const report = ids['Tertialrapport 2 2022'];
  await page.goto(`/rapporter/${report}/import`);
  await uploadAndPreview(page, fixtureWith('Utanskript'));
  await page.getByRole('button', { name: 'Använd svaren' }).click();
  await page.getByRole('heading', { level: 1, name: /^Svaren från / }).waitFor();
  await page.goto(`/rapporter/${report}`);
  assert.match(await page.locator('textarea').first().inputValue(), /Utanskript/);
  await context.close();
});

test('the coordinator imports a historic form into a closed round', async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
  const report = await coordinatorReportId(page, 'Tertialrapport 1 2022', 'Bromma stadsdelsnämnd');
  await page.goto(`/rapporter/${report}`);
  await page.getByRole('link', { name: 'Läs in historiskt formulär' }).click();
  await page.getByRole('heading', { level: 1, name: 'Läs in historiskt formulär' }).waitFor();
  await expectNoAxeViolations(page, 'the historic upload page');
  await page.getByLabel('Fil', { exact: true }).setInputFiles(FIXTURE);
  await Promise.all([
    page.waitForURL(/\/historisk-import\/\d+$/),
    page.getByRole('button', { name: 'Förhandsgranska' }).click(),
  ]);
  await expectNoAxeViolations(page, 'the historic preview');
  await Promise.all([
    page.waitForURL(/\/versioner\/1$/),
    page.getByRole('button', { name: 'Använd svaren' }).click(),
  ]);
  await page.getByText(/Importerad från uppfoljning-naringsliv-sdn-2022\.txt/).waitFor();
  await expectNoAxeViolations(page, 'the imported version');
  await context.close();
});
