// The coordinator's overview: every body's status, but never a draft's content; and a
// reporter of one body cannot reach another body's report.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { coordinatorReportId, launchBrowser, myReportIds, signedInPage } from './browser.mjs';
import { expectSaved, expectText, marker, QUESTION_CODES } from './form.mjs';
import { ACCOUNTS, startDemo } from './server.mjs';

const T2 = 'Tertialrapport 2 2022';
const STATUSES = ['Ej påbörjad', 'Utkast', 'Inskickad', 'Återsänd för komplettering', 'Godkänd'];

let demo;
let browser;
let coordinator; // { context, page }
let brommaId;
const secret = marker('utkast-hemligt');

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
  coordinator = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/** The round overview's rows: body name → status label. */
async function statuses(page) {
  const rows = await page.locator('table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.querySelector('th').textContent.trim(), tr.querySelector('.tag').textContent.trim()]),
  );
  return Object.fromEntries(rows);
}

/** The status of the body whose name starts with `short` ("Bromma", "Skärholmen"). */
function statusOf(all, short) {
  const names = Object.keys(all).filter((name) => name.startsWith(short));
  assert.equal(names.length, 1, `one body named ${short}…: ${Object.keys(all)}`);
  return all[names[0]];
}

test('the coordinator lands on the rounds and sees every body\'s status for T2', async () => {
  const { page } = coordinator;
  assert.equal(new URL(page.url()).pathname, '/omgangar');
  const round = page.locator('tbody tr', { has: page.getByRole('link', { name: T2, exact: true }) });
  await expectText(round, 'Öppen');
  await expectText(round, 'av 17');

  brommaId = await coordinatorReportId(page, T2, 'Bromma');
  const all = await statuses(page);
  assert.equal(Object.keys(all).length, 17, `17 bodies: ${Object.keys(all)}`);
  for (const [body, status] of Object.entries(all)) {
    assert.ok(STATUSES.includes(status), `${body} has a known status: ${status}`);
  }
  assert.equal(statusOf(all, 'Bromma'), 'Ej påbörjad');
  // Every row links to its report.
  assert.equal(await page.locator('tbody tr a[href^="/rapporter/"]').count(), 17);
});

test("a draft's content stays hidden from the coordinator; the status shows Utkast", async () => {
  // Bromma's reporter saves a draft answer.
  const bromma = await signedInPage(browser, demo.baseURL, ACCOUNTS.bromma);
  const ownId = (await myReportIds(bromma.page))[T2];
  assert.equal(ownId, brommaId, "the coordinator's link and Bromma's own list agree");
  await bromma.page.goto(`/rapporter/${brommaId}`);
  await bromma.page.fill(`#field-${QUESTION_CODES[0]}`, `Utkast med ${secret}`);
  await bromma.page.fill('#field-contact_name', `Namn ${secret}`);
  await expectSaved(bromma.page, QUESTION_CODES[0]);
  await expectSaved(bromma.page, 'contact_name');
  await bromma.context.close();

  const { page } = coordinator;
  await page.goto('/omgangar');
  await coordinatorReportId(page, T2, 'Bromma');
  const all = await statuses(page);
  assert.equal(statusOf(all, 'Bromma'), 'Utkast');
  assert.equal(statusOf(all, 'Skärholmen'), 'Ej påbörjad');
  assert.ok(!(await page.content()).includes(secret));

  const response = await page.goto(`/rapporter/${brommaId}`);
  assert.equal(response.status(), 200);
  await expectText(page.locator('.facts').first(), 'Utkast');
  await expectText(page.locator('.panel'), 'Rapportens innehåll visas först när organet har skickat in den');
  assert.equal(await page.locator('form#rapport, textarea, input[name^="text."]').count(), 0);
  const html = await page.content();
  assert.ok(!html.includes(secret), "the draft's text is nowhere in the coordinator's page");

  // There is no submitted version to open either.
  const version = await page.goto(`/rapporter/${brommaId}/versioner/1`);
  assert.equal(version.status(), 404);
  assert.ok(!(await page.content()).includes(secret));
});

test("the coordinator cannot write into a body's report", async () => {
  const { page } = coordinator;
  await page.goto('/omgangar');
  const csrf = await page.locator('form[action="/logga-ut"] input[name=csrf]').inputValue();
  const response = await page.request.post(`/rapporter/${brommaId}/falt/${QUESTION_CODES[0]}`, {
    headers: { Accept: 'application/json', 'X-CSRF-Token': csrf },
    form: { text: 'Samordnaren skriver över.', na: '', version: '99' },
  });
  assert.ok([403, 404].includes(response.status()), `refused, got ${response.status()}`);

  // Bromma's draft is unchanged.
  const bromma = await signedInPage(browser, demo.baseURL, ACCOUNTS.bromma);
  await bromma.page.goto(`/rapporter/${brommaId}`);
  assert.equal(await bromma.page.inputValue(`#field-${QUESTION_CODES[0]}`), `Utkast med ${secret}`);
  await bromma.context.close();
});

test("Skärholmen's reporter gets 404 for Bromma's report", async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  let response = await page.goto(`/rapporter/${brommaId}`);
  assert.equal(response.status(), 404);
  await expectText(page.locator('h1'), 'Sidan finns inte');
  assert.ok(!(await page.content()).includes(secret));

  response = await page.goto(`/rapporter/${brommaId}/versioner/1`);
  assert.equal(response.status(), 404);

  // Nor can the reporter write into it.
  await page.goto('/rapporter');
  const csrf = await page.locator('form[action="/logga-ut"] input[name=csrf]').inputValue();
  response = await page.request.post(`/rapporter/${brommaId}/falt/${QUESTION_CODES[0]}`, {
    headers: { Accept: 'application/json', 'X-CSRF-Token': csrf },
    form: { text: 'Fel organ.', na: '', version: '1' },
  });
  assert.equal(response.status(), 404);
  await context.close();
});

test("the reader does not see the draft's content either", async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.reader);
  const response = await page.goto(`/rapporter/${brommaId}`);
  assert.ok(!(await page.content()).includes(secret), `status ${response.status()}`);
  await context.close();
});
