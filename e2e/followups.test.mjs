// Follow-ups written in the browser: the coordinator creates a follow-up, a focus area and a
// question, previews the form as a body, and edits a question without JavaScript. axe checks
// every new page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { expectNoAxeViolations, launchBrowser, signedInPage } from './browser.mjs';
import { ACCOUNTS, startDemo } from './server.mjs';

let demo;
let browser;
let coordinator; // { context, page }
let followUp; // the new follow-up's path

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
  coordinator = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

test('the coordinator creates a follow-up, a focus area and a question', async () => {
  const { page } = coordinator;
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Uppföljningar' }).click();
  await page.waitForURL(/\/uppfoljningar$/);
  await expectNoAxeViolations(page, '/uppfoljningar');

  // A title left empty is refused beside the field.
  await page.getByRole('button', { name: 'Skapa uppföljning' }).click();
  await page.locator('.error-summary').getByText('Ange uppföljningens titel.').waitFor();
  await expectNoAxeViolations(page, '/uppfoljningar with an error');

  await page.getByLabel('Titel').fill('Uppföljning av kulturpolicyn');
  await page.getByLabel('Beskrivning (mål och syfte)').fill('Att följa upp kulturpolicyn.');
  await page.getByLabel('Inledning').fill('Svara gärna kort.');
  await page.getByRole('button', { name: 'Skapa uppföljning' }).click();
  await page.waitForURL(/\/uppfoljningar\/\d+\?klart=skapad$/);
  followUp = new URL(page.url()).pathname;
  await page.getByText('Ändringar gäller från nästa omgång som öppnas').waitFor();
  await expectNoAxeViolations(page, 'the follow-up');

  await page.getByLabel('Officiellt namn').fill('Kultur för alla');
  await page.getByLabel('Rubrik i formuläret').fill('Kultur för alla');
  await page.getByRole('button', { name: 'Lägg till fokusområde' }).click();
  await page.waitForURL(/klart=omrade/);
  await page.getByRole('link', { name: 'Ändra fokusområde 1' }).click();
  await page.waitForURL(/fokusomraden\/1$/);
  await expectNoAxeViolations(page, 'a focus area');
  await page.getByLabel('Rubrik i formuläret').fill('Kultur för alla invånare');
  await page.getByRole('button', { name: 'Spara fokusområdet' }).click();
  await page.waitForURL(/klart=omrade/);

  await page.getByRole('link', { name: 'Ny fråga' }).click();
  await page.waitForURL(/fragor$/);
  await expectNoAxeViolations(page, 'a new question');
  await page.getByLabel('Frågan').fill('Hur når nämnden ut med kulturen?');
  await page.getByLabel('Hjälptext (frivillig)').fill('Beskriv kort.');
  await page.getByLabel('Stadsdelsnämnder').check();
  await page.getByRole('button', { name: 'Spara frågan' }).click();
  await page.waitForURL(/klart=fraga/);
  await page.getByRole('cell', { name: /Hur når nämnden ut med kulturen\?/ }).waitFor();
});

test('the coordinator previews the form as a body', async () => {
  const { page } = coordinator;
  await page.goto(followUp);
  await page.getByLabel('Visa formuläret som det ser ut för').selectOption({ label: 'Skärholmens stadsdelsnämnd' });
  await page.getByRole('button', { name: 'Förhandsgranska' }).click();
  await page.waitForURL(/forhandsgranska\?organ=\d+/);
  await page.getByRole('heading', { name: '1. Kultur för alla invånare' }).waitFor();
  await page.getByText('Svara gärna kort.').waitFor();
  const answer = page.getByLabel(/Hur når nämnden ut med kulturen\?/);
  assert.equal(await answer.isDisabled(), true);
  await page.getByLabel(/Ej aktuellt/).first().waitFor();
  await expectNoAxeViolations(page, 'the preview');
});

test('a question is edited and retired without JavaScript', async () => {
  const nojs = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator, { javaScriptEnabled: false });
  const { page } = nojs;
  await page.goto(followUp);
  await page.getByRole('link', { name: 'Ändra fråga 1.1' }).click();
  await page.waitForURL(/fragor\/hur-nar-namnden-ut-med-kulturen$/);
  await page.getByLabel('Frågan').fill('Hur når nämnden ut med kulturen i år?');
  await page.getByRole('button', { name: 'Spara frågan' }).click();
  await page.waitForURL(/klart=fraga/);
  await page.getByRole('cell', { name: /kulturen i år\?/ }).waitFor();
  await page.getByRole('button', { name: 'Avveckla fråga 1.1' }).click();
  await page.waitForURL(/klart=avvecklad/);
  await page.getByText('Frågan är avvecklad.').waitFor();
  await page.getByRole('button', { name: 'Återinför fråga 1.1' }).waitFor();
  await nojs.context.close();
  // axe needs scripts; the editor's pages have none of their own, so it checks them as
  // they are in a browser with JavaScript on.
  await coordinator.page.goto(`${followUp}/fragor/hur-nar-namnden-ut-med-kulturen`);
  await expectNoAxeViolations(coordinator.page, 'a question');
});
