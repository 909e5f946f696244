// The warning before the session ends (WCAG 2.2.1), on servers of its own whose sessions
// last a minute: a file of its own, as it waits for them to run out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { expectNoAxeViolations, launchBrowser, myReportIds, signedInPage } from './browser.mjs';
import { expectSaved, expectText, marker, QUESTION_CODES } from './form.mjs';
import { ACCOUNTS, startDemo } from './server.mjs';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('before the session ends a warning comes that takes no focus: "Fortsätt vara inloggad" extends the session, and at its lifetime it says when it ends', async () => {
  // Servers of their own with short sessions: a minute without use; a minute in all.
  const idle = await startDemo({ args: ['--session-minutes', '1'] });
  const lifetime = await startDemo({ args: ['--session-minutes', '2', '--session-max-minutes', '1'] });
  try {
    const open = async (server) => {
      const session = await signedInPage(browser, server.baseURL, ACCOUNTS.skarholmen);
      const id = (await myReportIds(session.page))['Tertialrapport 2 2022'];
      await session.page.goto(`/rapporter/${id}`);
      await session.page.locator('#autosave-hint').waitFor({ state: 'visible' });
      return { ...session, signedInAt: Date.now(), path: `/rapporter/${id}` };
    };
    const [x, y] = await Promise.all([open(idle), open(lifetime)]);
    const code = QUESTION_CODES[0];
    for (const { page } of [x, y]) {
      await page.locator(`#field-${code}`).fill(`Skrivet innan varningen. ${marker('s')}`);
      await expectSaved(page, code);
      assert.ok(await page.locator('#session-warning').isHidden(), 'no warning yet');
    }
    // Warned half a minute before the end (two minutes, or half the session if shorter).
    const warning = (page) => page.locator('#session-warning[role=alert]');
    await Promise.all([x, y].map(({ page }) => warning(page).waitFor({ state: 'visible', timeout: 45_000 })));

    // For want of use: the warning, focus still in the field, and a button that extends.
    await expectText(warning(x.page), 'Du loggas snart ut');
    await expectText(warning(x.page), 'Det du har skrivit finns kvar i webbläsaren.');
    assert.equal(await x.page.evaluate(() => document.activeElement?.id), `field-${code}`, 'focus stays where it was');
    await expectNoAxeViolations(x.page, 'the form with the session warning');
    const [extended] = await Promise.all([
      x.page.waitForResponse((r) => r.url().endsWith('/fortsatt-inloggad')),
      warning(x.page).getByRole('button', { name: 'Fortsätt vara inloggad' }).click(),
    ]);
    assert.equal(extended.status(), 200);
    const left = await extended.json();
    assert.ok(left.idle >= 55, `the session has a new minute: ${JSON.stringify(left)}`);
    await warning(x.page).waitFor({ state: 'hidden' });
    assert.equal(await x.page.evaluate(() => document.activeElement?.id), `field-${code}`, 'back to the field');

    // At the end of its lifetime: when it ends, that the text is kept; nothing to extend.
    await expectText(warning(y.page), /^Du loggas ut kl\. \d{2}\.\d{2} eftersom du har varit inloggad länge/);
    await expectText(warning(y.page), 'Det du har skrivit finns kvar i webbläsaren');
    assert.ok(await warning(y.page).getByRole('button').isHidden(), 'no button: it cannot be extended');

    // A minute after signing in, the first session lives on (it was extended) and the
    // second has ended: its field says so, with the way back.
    const wait = x.signedInAt + 62_000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const later = `Skrivet efter den första minuten. ${marker('s')}`;
    await x.page.locator(`#field-${code}`).fill(later);
    await expectSaved(x.page, code);
    await y.page.locator(`#field-${code}`).fill(later);
    await expectText(y.page.locator(`#status-${code}`), /^Inte sparat: du är utloggad/);
    await y.page.locator(`#status-${code}`).getByRole('link', { name: 'Logga in igen' }).waitFor();
    await x.context.close();
    await y.context.close();
  } finally {
    await idle.stop();
    await lifetime.stop();
  }
});
