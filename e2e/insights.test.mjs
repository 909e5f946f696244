// Insights in the browser: the coordinator goes from T1's dashboard to its actors (and a
// cell's sentences), pending decisions, timeline and readability; keeps the register of
// actors with JavaScript off (a refused form, an added actor, a deactivated one); and the
// reporter sees the readability hint change while typing. axe checks every new page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  expectNoAxeViolations,
  launchBrowser,
  myReportIds,
  newContext,
  signedInPage,
  signIn,
  withoutFormScript,
} from './browser.mjs';
import { clickAndWaitForPage, expectText, questionCodes } from './form.mjs';
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

test('from the dashboard to the actors, pending decisions, timeline and readability', async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
  await page.goto('/omgangar');
  await page.getByRole('link', { name: 'Tertialrapport 1 2022', exact: true }).click();
  await page.waitForURL(/\/omgangar\/\d+$/);
  const dashboard = new URL(page.url()).pathname;
  const insights = page.getByRole('navigation', { name: 'Insikter i svaren' });

  await insights.getByRole('link', { name: 'Aktörer', exact: true }).click();
  await page.getByRole('heading', { name: 'Aktörer i Tertialrapport 1 2022', level: 1 }).waitFor();
  await expectNoAxeViolations(page, 'the actors of a round');
  await page
    .getByRole('link', { name: '4 meningar: Stockholm Business Region i svaren från Skärholmens stadsdelsnämnd' })
    .click();
  await page.waitForURL(/\/aktorer\?organ=\d+&aktor=\d+#stallen$/);
  await page.getByRole('heading', { name: 'Stockholm Business Region i svaren från Skärholmens stadsdelsnämnd', level: 2 }).waitFor();
  assert.equal(await page.locator('.passage mark').count(), 4);
  await expectNoAxeViolations(page, 'an actor\'s sentences');

  const pages = [
    ['Beslut som väntar', 'Beslut som väntar i Tertialrapport 1 2022', '.passage', 6],
    ['Tidslinje', 'Tidslinje i Tertialrapport 1 2022', '.timeline li', 6],
    ['Läsbarhet', 'Läsbarhet i Tertialrapport 1 2022', 'tbody tr', 1],
  ];
  for (const [link, heading, rows, count] of pages) {
    await page.goto(dashboard);
    await insights.getByRole('link', { name: link, exact: true }).click();
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    assert.equal(await page.locator(rows).count(), count, link);
    await expectNoAxeViolations(page, link);
  }
  await context.close();
});

test('the register of actors works without JavaScript', async () => {
  // As without JavaScript (the form script never loads; the forms are plain POSTs), with
  // axe still able to run.
  const context = await withoutFormScript(await newContext(browser, demo.baseURL));
  const page = await context.newPage();
  await signIn(page, ACCOUNTS.coordinator);
  await page.goto('/aktorer');
  await page.getByRole('heading', { name: 'Aktörer', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Polisen' }).waitFor();
  await expectNoAxeViolations(page, 'the register');

  await page.getByRole('link', { name: 'Lägg till aktör' }).click();
  await page.getByLabel('Alias').fill('LST');
  await clickAndWaitForPage(page, 'Spara');
  await page.getByRole('heading', { name: 'Aktören kunde inte sparas' }).waitFor();
  await page.getByRole('link', { name: 'Ange aktörens namn.' }).waitFor();
  assert.equal(await page.getByLabel('Alias').inputValue(), 'LST', 'what was typed is kept');
  await expectNoAxeViolations(page, 'a refused actor');

  await page.getByLabel('Namn').fill('Länsstyrelsen');
  await clickAndWaitForPage(page, 'Spara');
  await page.getByText('Aktören är tillagd.').waitFor();
  await page.getByRole('link', { name: 'Länsstyrelsen' }).click();
  await page.getByRole('heading', { name: 'Länsstyrelsen', level: 1 }).waitFor();
  await expectNoAxeViolations(page, 'an actor\'s form');
  await clickAndWaitForPage(page, 'Inaktivera aktören');
  await page.getByRole('heading', { name: 'Status: inaktiverad' }).waitFor();
  await context.close();
});

test('the reporter sees the readability hint change while typing, and it never blocks', async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  const ids = await myReportIds(page);
  await page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  const [code] = await questionCodes(page);
  const hint = page.locator(`#lix-${code}`);
  assert.ok(await hint.isHidden(), 'no hint before anything is written');
  await page.fill(`#field-${code}`, 'Katten sover i solen. Hunden springer efter bollen i trädgården.');
  await expectText(hint, 'Läsbarhet: LIX 25 (lätt). Längsta meningen har 6 ord.');
  await page.fill(`#field-${code}`, '');
  await page.waitForFunction((id) => document.getElementById(id).hidden, `lix-${code}`);
  await page.fill(`#field-${code}`, 'Stadsdelsförvaltningen samordnar platssamverkan.');
  await expectText(hint, 'Läsbarhet: LIX 103 (mycket svår). Längsta meningen har 3 ord.');
  await expectNoAxeViolations(page, 'the form with its hint');
  await context.close();
});
