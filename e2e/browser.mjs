// Launching Debian's Chromium with playwright-core, signing in, and checking pages with axe.
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

import { DEMO_PASSWORD } from './server.mjs';

const require = createRequire(import.meta.url);
const axe = require('axe-core');

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** The longest any single wait in these tests may take. */
export const WAIT = 10_000;

/** Launches the system Chromium (never a downloaded one). */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/** A new context (its own cookies and storage) on the demo, with short default waits. */
export async function newContext(browser, baseURL, options = {}) {
  const context = await browser.newContext({ baseURL, locale: 'sv-SE', ...options });
  context.setDefaultTimeout(WAIT);
  context.setDefaultNavigationTimeout(WAIT);
  return context;
}

/**
 * Makes the context's pages load without Tertial's form script, so that they behave as
 * without JavaScript while tools such as axe can still run in them.
 */
export async function withoutFormScript(context) {
  await context.route(/\/static\/tertial\.js(\?|$)/, (route) => route.abort());
  return context;
}

/** Fills the sign-in form on the current page (which must be /logga-in) and submits it. */
export async function submitSignIn(page, email, password = DEMO_PASSWORD) {
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Logga in' }).click(),
  ]);
}

/** Opens the sign-in page and signs in; returns the page, now on the person's start page. */
export async function signIn(page, email, { next } = {}) {
  await page.goto(next ? `/logga-in?next=${encodeURIComponent(next)}` : '/logga-in');
  await submitSignIn(page, email);
  if (new URL(page.url()).pathname === '/logga-in') {
    throw new Error(`signing in as ${email} failed: ${await page.locator('main').innerText()}`);
  }
  return page;
}

/** A new context and page, signed in as `email`. */
export async function signedInPage(browser, baseURL, email, options = {}) {
  const context = await newContext(browser, baseURL, options);
  const page = await context.newPage();
  await signIn(page, email);
  return { context, page };
}

/** The report ids on the reporter's /rapporter, by round name ("Tertialrapport 2 2022"). */
export async function myReportIds(page) {
  await page.goto('/rapporter');
  const links = await page.locator('table tbody th a').evaluateAll((as) =>
    as.map((a) => [a.textContent.trim(), a.getAttribute('href')]),
  );
  const ids = {};
  for (const [name, href] of links) ids[name] = Number(href.split('/').pop());
  return ids;
}

/** The report id of `body` in the round called `roundName`, as the coordinator sees it. */
export async function coordinatorReportId(page, roundName, body) {
  await page.goto('/omgangar');
  await page.getByRole('link', { name: roundName, exact: true }).click();
  await page.waitForURL(/\/omgangar\/\d+$/);
  const row = page.locator('tbody tr', { has: page.locator('th', { hasText: body }) });
  const href = await row.locator('th').getByRole('link').getAttribute('href');
  return Number(href.split('/').pop());
}

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Runs axe (WCAG 2.1 A and AA) on the page and throws a readable list of any violations. */
export async function expectNoAxeViolations(page, label = page.url()) {
  const loaded = () => page.evaluate(() => typeof window.axe !== 'undefined');
  if (!(await loaded())) {
    try {
      await page.addScriptTag({ content: axe.source });
    } catch (error) {
      // Tertial's Content-Security-Policy (script-src 'self') blocks inline scripts, and so
      // the script tag, unless the context was made with bypassCSP.
      if (!/Content Security Policy/i.test(String(error))) throw error;
    }
    // Blocked by the policy, or not run because the context has JavaScript turned off:
    // evaluate the source through the DevTools protocol, which neither stops.
    if (!(await loaded())) await page.evaluate(axe.source);
  }
  let timer;
  const results = await Promise.race([
    page.evaluate(
      (values) => window.axe.run(document, { runOnly: { type: 'tag', values } }),
      WCAG_TAGS,
    ),
    new Promise((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `axe did not finish on ${label} within 30 s. In a context with javaScriptEnabled: ` +
                'false its timers never run: check a no-JS page in a JavaScript-enabled context ' +
                "that blocks /static/tertial.js instead (see withoutFormScript).",
            ),
          ),
        30_000,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  if (results.violations.length) {
    const lines = results.violations.map((v) => {
      const targets = v.nodes
        .map((n) => `      ${n.target.join(' ')}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : ''}`)
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${targets}`;
    });
    throw new Error(`axe found ${results.violations.length} violation(s) on ${label}:\n${lines.join('\n')}`);
  }
  return results;
}
