// axe (WCAG 2.1 A and AA) on every page of Tertial, in the states a person meets them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  coordinatorReportId,
  expectNoAxeViolations,
  launchBrowser,
  myReportIds,
  newContext,
  signedInPage,
  submitSignIn,
  withoutFormScript,
} from './browser.mjs';
import {
  clickAndWaitForPage,
  expectSaved,
  expectText,
  fillCompleteReport,
  QUESTION_CODES,
  SAVED,
} from './form.mjs';
import { ACCOUNTS, startDemo } from './server.mjs';

let demo;
let browser;
let reporter; // { context, page } signed in as Skärholmen's reporter
let ids; // Skärholmen's report ids by round name

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
  reporter = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  ids = await myReportIds(reporter.page);
  assert.ok(ids['Tertialrapport 2 2022'], 'Skärholmen has a T2 report');
  assert.ok(ids['Tertialrapport 1 2022'], 'Skärholmen has a T1 report');
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

async function anonymousPage() {
  const context = await newContext(browser, demo.baseURL);
  return { context, page: await context.newPage() };
}

test('the axe helper finds violations (so that zero means something)', async () => {
  const { context, page } = await anonymousPage();
  await page.setContent(
    '<!DOCTYPE html><html><head><title>x</title></head><body><main><input type="text"></main></body></html>',
  );
  await assert.rejects(expectNoAxeViolations(page, 'a page with an unlabelled input'), /label/);
  await context.close();
});

test('sign-in page', async () => {
  const { context, page } = await anonymousPage();
  await page.goto('/logga-in');
  await expectNoAxeViolations(page, 'the sign-in page');
  await context.close();
});

test('sign-in page after a failed sign-in, with its error summary', async () => {
  const { context, page } = await anonymousPage();
  await page.goto('/logga-in');
  await page.fill('#email', ACCOUNTS.skarholmen);
  await page.fill('#password', 'fel-losenord');
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Logga in' }).click(),
  ]);
  assert.equal(response.status(), 400);
  await page.locator('.error-summary[role=alert]').waitFor();
  await expectNoAxeViolations(page, 'the sign-in page with an error');
  await context.close();
});

test('sign-in page sent empty: Swedish errors, not the browser\'s, with focus on the summary', async () => {
  const { context, page } = await anonymousPage();
  await page.goto('/logga-in');
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Logga in' }).click(),
  ]);
  assert.equal(response.status(), 400);
  assert.equal(await page.title(), 'Fel: Logga in – Tertial');
  const summary = page.locator('#felsammanfattning');
  await page.waitForFunction(() => document.activeElement?.id === 'felsammanfattning');
  await expectText(summary, 'Ange din e-postadress.');
  await expectText(summary, 'Ange ditt lösenord.');
  assert.equal(await page.getAttribute('#email', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
  await summary.getByRole('link', { name: 'Ange ditt lösenord.' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'password');
  await expectNoAxeViolations(page, 'the sign-in page sent empty');
  await context.close();
});


test('a form posted after the session ended: the sign-in page that keeps it, then the page to save it', async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  await withoutFormScript(context);
  await page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  const text = 'Skrivet precis innan sessionen tog slut.';
  await page.fill('#field-other_information', text);
  await context.clearCookies();
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Spara', exact: true }).click(),
  ]);
  assert.equal(response.status(), 401);
  await page.getByText('Det du skrev är inte sparat än').waitFor();
  await expectNoAxeViolations(page, 'the sign-in page keeping a posted form');
  await submitSignIn(page, ACCOUNTS.skarholmen);
  const save = page.getByRole('button', { name: 'Spara de texter jag har valt' });
  await save.waitFor();
  await expectNoAxeViolations(page, 'the page to save kept text, field by field');
  await page.getByRole('group', { name: 'Övriga upplysningar (frivilligt)' })
    .getByRole('checkbox', { name: 'Spara min text här' })
    .check();
  await Promise.all([page.waitForNavigation(), save.click()]);
  assert.equal(await page.inputValue('#field-other_information'), text);
  await page.getByText(SAVED).waitFor();
  await context.close();
});

test('accessibility statement, anonymous', async () => {
  const { context, page } = await anonymousPage();
  const response = await page.goto('/tillganglighet');
  assert.equal(response.status(), 200);
  await expectText(page.locator('h1'), 'Tillgänglighetsredogörelse');
  await expectNoAxeViolations(page, '/tillganglighet');
  await context.close();
});

test("reporter's list of reports", async () => {
  const { page } = reporter;
  await page.goto('/rapporter');
  await expectText(page.locator('h1'), 'Mina rapporter');
  await expectNoAxeViolations(page, '/rapporter');
});

test('the editable T2 form', async () => {
  const { page } = reporter;
  await page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  await page.locator('form#rapport').waitFor();
  // The script has run: the autosave hint shows.
  await page.locator('#autosave-hint').waitFor({ state: 'visible' });
  await expectNoAxeViolations(page, 'the editable form');
});

test("a specialist committee's T2 form, with the demo's example questions", async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.trafik);
  const own = await myReportIds(page);
  await page.goto(`/rapporter/${own['Tertialrapport 2 2022']}`);
  await page.locator('form#rapport').waitFor();
  await page.getByRole('heading', { name: '4. Öka tillgången till arbetskraft med relevant kompetens' }).waitFor();
  const hints = await page.locator('[data-question] [id^="hint-"]').allInnerTexts();
  assert.equal(hints.length, 5, `five example questions: ${hints}`);
  assert.ok(hints.every((h) => h.startsWith('Exempelfråga:')), 'each marked as an example');
  await expectNoAxeViolations(page, 'the example questions');
  await context.close();
});

test('the form with a saved answer and its save status', async () => {
  const { page } = reporter;
  await page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  await page.fill(`#field-${QUESTION_CODES[0]}`, 'Ett första svar.');
  await expectSaved(page, QUESTION_CODES[0]);
  await expectNoAxeViolations(page, 'the form after an autosave');
});

test('the form after Spara, with its notice', async () => {
  const { page } = reporter;
  await page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  await clickAndWaitForPage(page, 'Spara');
  await expectText(page.locator('.notice[role=status]'), SAVED);
  await expectNoAxeViolations(page, 'the form with the saved notice');
});

test('the form re-rendered with submission errors (422)', async () => {
  const { page } = reporter;
  await page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  const response = await clickAndWaitForPage(page, 'Skicka in');
  assert.equal(response.status(), 422);
  await page.locator('.error-summary[role=alert] a[href^="#field-"]').first().waitFor();
  await page.locator('.field-error').first().waitFor();
  await expectNoAxeViolations(page, 'the form with errors');
});

test('a conflict beside its field, closed and opened', async () => {
  const id = ids['Tertialrapport 2 2022'];
  const code = QUESTION_CODES[1];
  const other = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  const { page } = reporter;
  await page.goto(`/rapporter/${id}`);
  await other.page.goto(`/rapporter/${id}`);
  await other.page.fill(`#field-${code}`, 'Kollegans text.');
  await expectSaved(other.page, code);
  await page.fill(`#field-${code}`, 'Min text.');
  const compare = page.locator(`details#compare-${code}`);
  await compare.waitFor();
  await expectText(page.locator(`#status-${code}`), 'ändrades av någon annan medan du skrev');
  await expectNoAxeViolations(page, 'the form with a conflict beside its field');
  await compare.locator('summary').click();
  await expectNoAxeViolations(page, 'the form with a conflict opened beside its field');
  await compare.getByRole('button', { name: 'Behåll min text' }).click();
  await expectSaved(page, code);
  await other.context.close();
});

test('the form re-rendered with a conflict without JavaScript (409)', async () => {
  const id = ids['Tertialrapport 2 2022'];
  const code = QUESTION_CODES[3];
  // axe needs JavaScript, so "without JavaScript" here means without the form's script.
  const noJs = await withoutFormScript(await newContext(browser, demo.baseURL));
  const page = await noJs.newPage();
  await page.goto('/logga-in');
  await submitSignIn(page, ACCOUNTS.skarholmen);
  await page.goto(`/rapporter/${id}`);
  assert.ok(await page.locator('#autosave-hint').isHidden(), 'the form script did not run');
  // A colleague saves the same answer meanwhile.
  await reporter.page.goto(`/rapporter/${id}`);
  await reporter.page.fill(`#field-${code}`, 'Kollegans svar.');
  await expectSaved(reporter.page, code);
  await page.fill(`#field-${code}`, 'Mitt svar.');
  const response = await clickAndWaitForPage(page, 'Spara');
  assert.equal(response.status(), 409);
  await page.locator(`#conflict-${code}`).waitFor();
  await expectNoAxeViolations(page, 'the form with a conflict (no JavaScript)');
  await noJs.close();
});

test('the form with the signed-out banner', async () => {
  const id = ids['Tertialrapport 2 2022'];
  const code = QUESTION_CODES[4];
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.skarholmen);
  await page.goto(`/rapporter/${id}`);
  await context.clearCookies();
  await page.fill(`#field-${code}`, 'Text som väntar.');
  await page.locator('#offline-banner').waitFor({ state: 'visible' });
  await expectText(page.locator(`#status-${code}`), /^Inte sparat/);
  await page.locator(`#status-${code}`).getByRole('link', { name: 'Logga in igen' }).waitFor();
  await expectNoAxeViolations(page, 'the form with the signed-out banner');
  await context.close();
});

test('the receipt after submitting', async () => {
  const { page } = reporter;
  const id = ids['Tertialrapport 2 2022'];
  await page.goto(`/rapporter/${id}`);
  await fillCompleteReport(page, { notApplicable: QUESTION_CODES[2] });
  await clickAndWaitForPage(page, 'Skicka in');
  assert.match(page.url(), new RegExp(`/rapporter/${id}/versioner/1\\?kvittens=1$`));
  await expectText(page.locator('h1'), 'Rapporten är inskickad');
  await expectNoAxeViolations(page, 'the receipt');
});

test('a submitted version', async () => {
  const { page } = reporter;
  const response = await page.goto(`/rapporter/${ids['Tertialrapport 1 2022']}/versioner/1`);
  assert.equal(response.status(), 200);
  await expectText(page.locator('h1'), 'Inskickad version 1');
  await expectNoAxeViolations(page, 'a submitted version');
});

test('the closed T1 report, read-only', async () => {
  const { page } = reporter;
  await page.goto(`/rapporter/${ids['Tertialrapport 1 2022']}`);
  assert.equal(await page.locator('form#rapport').count(), 0, 'the closed report has no form');
  await expectNoAxeViolations(page, 'the closed T1 report');
});

test('the submitted T2 report, read-only', async () => {
  const { page } = reporter;
  await page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  assert.equal(await page.locator('textarea').count(), 0, 'the submitted report has no fields');
  await expectNoAxeViolations(page, 'the submitted T2 report');
});

test("coordinator's rounds, a round's overview and a draft's status-only view", async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
  assert.equal(new URL(page.url()).pathname, '/omgangar');
  const menu = page.getByRole('navigation', { name: 'Huvudmeny' });
  assert.equal(await menu.getByRole('link', { name: 'Omgångar' }).getAttribute('aria-current'), 'page');
  await expectNoAxeViolations(page, '/omgangar');

  const brommaId = await coordinatorReportId(page, 'Tertialrapport 2 2022', 'Bromma');
  await expectNoAxeViolations(page, '/omgangar/{id}');

  await page.goto(`/rapporter/${brommaId}`);
  await page.locator('.panel').waitFor();
  await expectNoAxeViolations(page, "the coordinator's status-only view of a report");
  await context.close();
});

test("coordinator's audit log, filtered and paged", async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
  await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Händelselogg' }).click();
  await page.waitForURL(/\/handelselogg$/);
  await expectNoAxeViolations(page, '/handelselogg');
  await page.getByLabel('Händelse', { exact: true }).selectOption({ label: 'Skickade in rapporten' });
  await Promise.all([page.waitForURL(/handelse=report_submitted/), page.getByRole('button', { name: 'Visa' }).click()]);
  await expectText(page.locator('tbody'), 'Skickade in rapporten');
  await expectNoAxeViolations(page, '/handelselogg filtered');
  await context.close();
});

test("reader's published page", async () => {
  const { context, page } = await signedInPage(browser, demo.baseURL, ACCOUNTS.reader);
  assert.equal(new URL(page.url()).pathname, '/publicerat');
  const menu = page.getByRole('navigation', { name: 'Huvudmeny' });
  assert.deepEqual(await menu.getByRole('link').allTextContents(), ['Sök'], "a reader's menu holds the search alone");
  await expectNoAxeViolations(page, '/publicerat');
  await context.close();
});

test('the 404 page, anonymous and signed in', async () => {
  const { context, page } = await anonymousPage();
  let response = await page.goto('/finns-inte');
  assert.equal(response.status(), 404);
  await expectText(page.locator('h1'), 'Sidan finns inte');
  await expectNoAxeViolations(page, 'the 404 page');
  await context.close();

  response = await reporter.page.goto('/rapporter/999999');
  assert.equal(response.status(), 404);
  // Signed in, the error page keeps the person's header and menu.
  await expectText(reporter.page.locator('.site-header'), 'Logga ut');
  await reporter.page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Mina rapporter' }).waitFor();
  await expectNoAxeViolations(reporter.page, 'the 404 page for a missing report');
});

test('the sign-in page reached from a signed-out form (with its notice)', async () => {
  const { context, page } = await anonymousPage();
  await page.goto(`/rapporter/${ids['Tertialrapport 2 2022']}`);
  assert.equal(new URL(page.url()).pathname, '/logga-in');
  await page.locator('.notice[role=status]').waitFor();
  await expectNoAxeViolations(page, 'the sign-in page with a notice');
  // And signing in returns to the form.
  await submitSignIn(page, ACCOUNTS.skarholmen);
  assert.equal(new URL(page.url()).pathname, `/rapporter/${ids['Tertialrapport 2 2022']}`);
  await context.close();
});

/** WCAG's contrast ratio of two CSS colours ("rgb(r, g, b)" or "rgba(...)"). */
function contrast(a, b) {
  const luminance = (css) => {
    const [r, g, bl] = css.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Tabs through every focusable element of the page and returns, for each, its focus
 * outline and the background it is drawn on (the nearest ancestor's that is not transparent).
 */
async function focusRings(page) {
  const rings = [];
  await page.locator('body').focus().catch(() => {});
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < 150; i += 1) {
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      let bg = 'rgb(255, 255, 255)';
      for (let n = el.parentElement; n; n = n.parentElement) {
        const c = getComputedStyle(n).backgroundColor;
        if (!/rgba\(.*, 0\)$/.test(c) && c !== 'transparent') { bg = c; break; }
      }
      const name = (el.getAttribute('aria-label') || el.textContent || el.id || el.name || '').trim().slice(0, 40);
      return {
        key: el.outerHTML.slice(0, 200),
        what: `${el.tagName.toLowerCase()}${el.type ? `[${el.type}]` : ''} "${name}"`,
        style: style.outlineStyle,
        width: parseFloat(style.outlineWidth),
        colour: style.outlineColor,
        bg,
      };
    });
    if (!ring || rings.some((r) => r.key === ring.key)) break;
    rings.push(ring);
  }
  return rings;
}

test('every focusable element shows a focus ring with 3:1 contrast against its background (WCAG 1.4.11)', async () => {
  const coordinator = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
  await coordinatorReportId(coordinator.page, 'Tertialrapport 1 2022', 'Skärholmen');
  const roundPage = new URL(coordinator.page.url()).pathname;
  const anonymous = await anonymousPage();
  const pages = [
    [anonymous, '/logga-in'],
    [anonymous, '/tillganglighet'],
    [anonymous, '/finns-inte'],
    [reporter, '/rapporter'],
    [reporter, `/rapporter/${ids['Tertialrapport 1 2022']}/versioner/1`],
    [coordinator, '/omgangar'],
    [coordinator, roundPage],
  ];
  const problems = [];
  const seen = new Set();
  const check = async (page, label) => {
    const rings = await focusRings(page);
    assert.ok(rings.length > 2, `${label}: tabbing reached ${rings.length} elements`);
    for (const r of rings) {
      seen.add(r.what.split(' ')[0]);
      const ratio = contrast(r.colour, r.bg);
      if (r.style === 'none' || r.width < 2 || ratio < 3) {
        problems.push(`${label}: ${r.what} has outline ${r.style} ${r.width}px ${r.colour} on ${r.bg} (${ratio.toFixed(1)}:1)`);
      }
    }
  };
  for (const [who, path] of pages) {
    await who.page.goto(path);
    await check(who.page, path);
  }
  // An editable form (text fields, Ej aktuellt checkboxes, Spara): Skärholmen's T2 is
  // submitted by now, Bromma's is still open (the reflow test below submits it).
  const form = await signedInPage(browser, demo.baseURL, ACCOUNTS.bromma);
  const formIds = await myReportIds(form.page);
  await form.page.goto(`/rapporter/${formIds['Tertialrapport 2 2022']}`);
  await check(form.page, 'the form');
  for (const kind of ['a', 'button[submit]', 'input[email]', 'input[password]', 'input[checkbox]', 'textarea[textarea]', 'div']) {
    assert.ok(seen.has(kind), `the pages tabbed through include a ${kind}`);
  }
  for (const who of [anonymous, coordinator, form]) await who.context.close();
  assert.deepEqual(problems, [], `focus is not visible enough:\n${problems.join('\n')}`);
});

/**
 * What sticks out to the right of a `width` CSS px wide viewport, tables aside (data tables
 * are two-dimensional content, which WCAG 1.4.10 exempts).
 */
async function overflowing(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const el = node.parentElement;
      if (!node.textContent.trim() || el.closest('table, .visually-hidden, [hidden], dialog:not([open])')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const right = Math.max(0, ...[...range.getClientRects()].map((r) => r.right));
      if (right > width + 1) {
        const words = node.textContent.trim().split(/\s+/);
        found.push(`${el.tagName.toLowerCase()} "${words.slice(0, 8).join(' ')}" reaches ${Math.round(right)} px`);
      }
    }
    return found;
  });
}

/** What makes the page scroll sideways at its current width: the document, or a table region. */
async function scrollsSideways(page) {
  return page.evaluate(() => {
    const found = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) {
      found.push(`the page is ${root.scrollWidth} px wide in ${root.clientWidth} px`);
    }
    for (const wrap of document.querySelectorAll('.table-wrap')) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        found.push(`table "${wrap.getAttribute('aria-label')}" is ${wrap.scrollWidth} px wide in ${wrap.clientWidth} px`);
      }
    }
    const signOut = [...document.querySelectorAll('.site-header button')].find((b) => b.textContent.trim() === 'Logga ut');
    if (signOut) {
      const lines = signOut.getBoundingClientRect().height / parseFloat(getComputedStyle(signOut).lineHeight);
      if (lines > 1.5) found.push(`"Logga ut" wraps over ${Math.round(lines)} lines`);
    }
    return found;
  });
}

/** An e-mail address as long as real ones get, to show on the receipt and version pages. */
const LONG_EMAIL = 'forvaltningens.naringslivssamordnare.skarholmen@stockholm.example.se';

test(
  'pages reflow at 320 and 375 CSS px, as at 400 % zoom (WCAG 1.4.10; axe cannot check this)',
  async () => {
    // Bromma submits T2 with a long contact e-mail: its receipt, and the version page
    // the coordinator reads, show it.
    const bromma = await signedInPage(browser, demo.baseURL, ACCOUNTS.bromma);
    const brommaIds = await myReportIds(bromma.page);
    const brommaT2 = brommaIds['Tertialrapport 2 2022'];
    await bromma.page.goto(`/rapporter/${brommaT2}`);
    await fillCompleteReport(bromma.page, {
      contact: { contact_name: 'Eva Ek', contact_phone: '08-508 000 00', contact_email: LONG_EMAIL },
    });
    await clickAndWaitForPage(bromma.page, 'Skicka in');
    const receipt = new URL(bromma.page.url()).pathname + new URL(bromma.page.url()).search;
    await expectText(bromma.page.locator('main'), LONG_EMAIL);
    const coordinator = await signedInPage(browser, demo.baseURL, ACCOUNTS.coordinator);
    await coordinatorReportId(coordinator.page, 'Tertialrapport 2 2022', 'Bromma');
    const roundPage = new URL(coordinator.page.url()).pathname;
    const anonymous = await anonymousPage();
    const pages = [
      [anonymous, '/logga-in'],
      [anonymous, '/tillganglighet'],
      [anonymous, '/finns-inte'],
      [reporter, '/rapporter'],
      [reporter, `/rapporter/${ids['Tertialrapport 2 2022']}`],
      [reporter, `/rapporter/${ids['Tertialrapport 1 2022']}`],
      [reporter, `/rapporter/${ids['Tertialrapport 1 2022']}/versioner/1`],
      [reporter, '/rapporter/999999'],
      [bromma, receipt],
      [bromma, `/rapporter/${brommaT2}/versioner/1`],
      [coordinator, '/omgangar'],
      [coordinator, roundPage],
      [coordinator, `/rapporter/${brommaT2}`],
      [coordinator, '/tillganglighet'],
      [coordinator, '/handelselogg'],
    ];
    const problems = [];
    for (const width of [320, 375]) {
      for (const [who, path] of pages) {
        const { page } = who;
        await page.setViewportSize({ width, height: 640 });
        await page.goto(path);
        if (path === receipt || path.endsWith(`${brommaT2}/versioner/1`)) {
          await expectText(page.locator('main'), LONG_EMAIL);
        }
        for (const p of await overflowing(page)) problems.push(`${width} px ${path}: ${p}`);
        for (const p of await scrollsSideways(page)) problems.push(`${width} px ${path}: ${p}`);
      }
      // A long organisation name beside a logo, as configuration may give them.
      await coordinator.page.goto('/tillganglighet');
      await coordinator.page.evaluate(() => {
        const brand = document.querySelector('.brand');
        const logo = document.createElement('img');
        logo.className = 'brand-logo';
        logo.alt = '';
        logo.src = 'data:image/svg+xml,' + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40"><rect width="160" height="40"/></svg>');
        const name = document.createElement('span');
        name.className = 'brand-organisation';
        name.textContent = 'Skärholmens stadsdelsförvaltning och Kommunstyrelsens förvaltningsorganisation';
        brand.prepend(logo, name);
      });
      await coordinator.page.locator('.brand-logo').evaluate((img) => img.decode());
      for (const p of await overflowing(coordinator.page)) problems.push(`${width} px long organisation name: ${p}`);
      for (const p of await scrollsSideways(coordinator.page)) problems.push(`${width} px long organisation name: ${p}`);
      // The sign-in page with its errors.
      await anonymous.page.goto('/logga-in');
      await Promise.all([anonymous.page.waitForNavigation(), anonymous.page.getByRole('button', { name: 'Logga in' }).click()]);
      for (const p of await scrollsSideways(anonymous.page)) problems.push(`${width} px sign-in errors: ${p}`);
    }
    await reporter.page.setViewportSize({ width: 1280, height: 720 });
    for (const who of [anonymous, bromma, coordinator]) await who.context.close();
    assert.deepEqual(problems, [], `content does not reflow:\n${problems.join('\n')}`);
  },
);

