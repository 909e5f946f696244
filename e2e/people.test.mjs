// Bodies and people from the browser: the coordinator adds a body and invites a reporter to
// it; the invitation's link (read under Utskick) sets the password, and the reporter signs
// in. axe checks every new page; the invitation form is also tried without JavaScript.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  expectNoAxeViolations,
  launchBrowser,
  newContext,
  signedInPage,
  signIn,
  submitSignIn,
  withoutFormScript,
} from './browser.mjs';
import { ACCOUNTS, startDemo } from './server.mjs';

let demo;
let browser;
let coordinator; // { context, page }

const PASSWORD = 'ett långt lösenord';

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
  coordinator = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

test('the coordinator adds a body, refused first for a duplicate name', async () => {
  const { page } = coordinator;
  await page.goto('/');
  await page.getByRole('link', { name: 'Organ', exact: true }).click();
  await page.waitForURL(/\/organ$/);
  await expectNoAxeViolations(page, '/organ');
  await page.getByRole('link', { name: 'Lägg till organ' }).click();
  await page.waitForURL(/\/organ\/ny$/);
  await expectNoAxeViolations(page, '/organ/ny');

  await page.fill('#name', 'Skärholmens stadsdelsnämnd');
  await page.fill('#short_name', 'Dubblett');
  await page.selectOption('#kind', 'specialist_committee');
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.locator('.error-summary').getByText('Det finns redan ett organ med det namnet').waitFor();
  assert.equal(await page.inputValue('#short_name'), 'Dubblett', 'what was typed is kept');
  await expectNoAxeViolations(page, 'the body form with an error');

  await page.fill('#name', 'Idrottsnämnden');
  await page.fill('#short_name', 'Idrott');
  await page.getByRole('button', { name: 'Spara' }).click();
  await page.waitForURL(/\/organ\?klart=tillagt$/);
  await page.getByRole('link', { name: 'Idrottsnämnden' }).click();
  await page.getByRole('button', { name: 'Inaktivera organet' }).waitFor();
  await expectNoAxeViolations(page, 'a body');
});

test('an invitation works without JavaScript: a bad address is refused beside its field', async () => {
  const context = await newContext(browser, demo.baseURL, { javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, ACCOUNTS.coordinator);
  await page.goto('/personer/ny');
  await page.fill('#email', 'inte-en-adress');
  await page.fill('#name', 'Nina Ny');
  await page.getByRole('button', { name: 'Skicka inbjudan' }).click();
  await page.locator('#email-error').getByText('Ange e-postadressen i rätt format').waitFor();
  assert.equal(await page.inputValue('#name'), 'Nina Ny');
  await context.close();
});

test('the coordinator invites a reporter, who sets a password with the link and signs in', async () => {
  const { page } = coordinator;
  await page.goto('/personer');
  await expectNoAxeViolations(page, '/personer');
  await page.getByRole('link', { name: 'Bjud in' }).click();
  await page.waitForURL(/\/personer\/ny$/);
  await expectNoAxeViolations(page, '/personer/ny');
  await page.fill('#email', 'idrott@example.se');
  await page.fill('#name', 'Ida Idrott');
  await page.selectOption('#role', 'reporter');
  await page.getByLabel('Idrottsnämnden').check();
  await page.getByRole('button', { name: 'Skicka inbjudan' }).click();
  await page.waitForURL(/\/personer\?klart=inbjuden$/);
  await page.getByRole('link', { name: 'Ida Idrott' }).click();
  await page.getByRole('button', { name: 'Skicka ny inbjudan' }).waitFor();
  await expectNoAxeViolations(page, 'a person');

  await page.goto('/utskick');
  await page.getByRole('link', { name: /Inbjudan till/ }).first().click();
  const mail = await page.locator('main').innerText();
  const link = mail.match(/\/inbjudan\/[0-9a-f]{64}/)?.[0];
  assert.ok(link, `a link in the mail: ${mail}`);

  const context = await withoutFormScript(await newContext(browser, demo.baseURL));
  const invited = await context.newPage();
  await invited.goto(link);
  await invited.getByRole('heading', { name: 'Välj lösenord' }).waitFor();
  await expectNoAxeViolations(invited, 'the invitation page');
  await invited.fill('#password', PASSWORD);
  await invited.fill('#again', 'inte samma lösenord');
  await invited.getByRole('button', { name: 'Spara lösenord' }).click();
  await invited.locator('.error-summary').getByText('Lösenorden är inte lika').waitFor();
  await expectNoAxeViolations(invited, 'the invitation page with an error');
  await invited.fill('#password', PASSWORD);
  await invited.fill('#again', PASSWORD);
  await invited.getByRole('button', { name: 'Spara lösenord' }).click();
  await invited.waitForURL(/\/logga-in\?losenord=1$/);
  await invited.getByText('Ditt lösenord är sparat').waitFor();
  await submitSignIn(invited, 'idrott@example.se', PASSWORD);
  assert.notEqual(new URL(invited.url()).pathname, '/logga-in', 'signed in');
  await invited.getByText('Ida Idrott').first().waitFor();

  // The link is spent.
  const again = await (await newContext(browser, demo.baseURL)).newPage();
  await again.goto(link);
  await again.getByText('Länken har gått ut eller redan använts').waitFor();
  await expectNoAxeViolations(again, 'a spent invitation link');
  await context.close();
});
