// The outbox (Utskick) in Chromium: axe (WCAG 2.1 A and AA) on the list and on one mail,
// wide and at 320 px, and the menu leads there. The demo is started with a reminder due
// (its open round closes in 30 days), so the outbox has mail in it without any SMTP server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { expectNoAxeViolations, launchBrowser, signedInPage } from './browser.mjs';
import { ACCOUNTS, startDemo } from './server.mjs';

let demo;
let browser;

before(async () => {
  demo = await startDemo({ args: ['--reminder-days', '31', '--mail-interval-ms', '100'] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/** Opens Utskick through the menu and waits until the reminders are listed. */
async function openOutbox(page) {
  await page.goto('/omgangar');
  await page.getByRole('link', { name: 'Utskick', exact: true }).click();
  await page.waitForURL(/\/utskick$/);
  for (let tries = 0; (await page.locator('tbody tr').count()) < 2; tries += 1) {
    assert.ok(tries < 50, 'the reminders are queued within a few seconds');
    await new Promise((r) => setTimeout(r, 100));
    await page.reload();
  }
}

for (const [label, viewport] of [
  ['wide', { width: 1280, height: 900 }],
  ['320 px', { width: 320, height: 800 }],
]) {
  test(`the outbox and one mail, ${label}`, async () => {
    const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator, {
      viewport,
      bypassCSP: true,
    });
    await openOutbox(page);
    assert.equal(
      await page.getByRole('link', { name: 'Utskick', exact: true }).getAttribute('aria-current'),
      'page',
    );
    const rows = await page.locator('tbody tr').allInnerTexts();
    assert.ok(rows.some((r) => r.includes('skarholmen@example.se') && r.includes('Väntar')), rows.join('\n'));
    await expectNoAxeViolations(page, `the outbox (${label})`);

    await page.locator('tbody th a').first().click();
    await page.waitForURL(/\/utskick\/\d+$/);
    const heading = await page.getByRole('heading', { level: 1 }).innerText();
    assert.match(heading, /^Påminnelse: Tertialrapport 2 2022/);
    assert.match(await page.locator('.mail-body').innerText(), /Svara i formuläret här:\nhttp:\/\/127\.0\.0\.1:8080\/rapporter\/\d+/);
    await expectNoAxeViolations(page, `one mail (${label})`);
    await context.close();
  });
}

test('a reporter has no Utskick in the menu and is refused the page', async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  assert.equal(await page.getByRole('link', { name: 'Utskick' }).count(), 0);
  const response = await page.goto('/utskick');
  assert.equal(response.status(), 403);
  await context.close();
});
