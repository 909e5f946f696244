// Single sign-on clicked through in Chromium against a real OpenID Connect provider (the
// npm package oidc-provider, started by oidc/provider.mjs): "Logga in med Exempelstad", the
// provider's login, back in Tertial as a new coordinator; a person in no mapped group is
// refused on the sign-in page; signing out ends the provider's session too. axe checks the
// sign-in page with single sign-on configured, and with a refusal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { expectNoAxeViolations, launchBrowser, newContext } from './browser.mjs';
import { freePort, startDemo } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));

let provider; // the node process
let issuer;
let demo;
let browser;

/** Starts the provider for Tertial at `baseURL`; resolves to its issuer URL. */
function startProvider(baseURL) {
  provider = spawn(process.execPath, [join(here, 'oidc', 'provider.mjs')], {
    env: {
      ...process.env,
      REDIRECT_URIS: `${baseURL}/logga-in/sso/klar`,
      POST_LOGOUT_REDIRECT_URIS: `${baseURL}/logga-in`,
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    provider.once('error', reject);
    provider.once('exit', (code) => reject(new Error(`the OpenID provider exited (${code})`)));
    createInterface({ input: provider.stdout }).once('line', resolve);
  });
}

before(async () => {
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  issuer = await startProvider(baseURL);
  demo = await startDemo({
    port,
    args: [
      '--public-url', baseURL,
      '--sso-issuer', issuer,
      '--sso-client-id', 'tertial',
      '--sso-client-secret', 'tertial-secret',
      '--sso-group', 'samordnare=coordinator',
      '--sso-group', 'sdn-skarholmen=reporter:Skärholmen',
    ],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
  provider?.kill();
});

/** Signs in at the provider's own login form as `login` (any password). */
async function providerLogin(page, login) {
  await page.waitForURL((url) => url.href.startsWith(issuer));
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', 'vad som helst');
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(demo.baseURL)),
    page.getByRole('button', { name: 'Sign-in' }).click(),
  ]);
}

test('a new coordinator signs in through the organisation and out again', async () => {
  const context = await newContext(browser, demo.baseURL);
  const page = await context.newPage();
  await page.goto('/logga-in');
  const button = page.getByRole('link', { name: 'Logga in med Exempelstad' });
  await button.waitFor();
  await expectNoAxeViolations(page, 'the sign-in page with single sign-on');

  await button.click();
  await providerLogin(page, 'ny-samordnare');
  await page.getByText('Nora Samordnare').first().waitFor();
  assert.notEqual(new URL(page.url()).pathname, '/logga-in');
  await page.goto('/omgangar');
  await page.getByRole('heading', { name: 'Omgångar' }).waitFor();

  // Signing out goes on to the provider, which asks, and sends the browser back.
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await page.waitForURL((url) => url.href.startsWith(`${issuer}/session/end`));
  await Promise.all([
    page.waitForURL(`${demo.baseURL}/logga-in`),
    page.getByRole('button', { name: 'Yes, sign me out' }).click(),
  ]);
  // Signed out at the provider too: it asks for the login again.
  await page.getByRole('link', { name: 'Logga in med Exempelstad' }).click();
  await page.waitForURL((url) => url.href.startsWith(issuer));
  await page.locator('input[name="login"]').waitFor();
  await context.close();
});

test('a person in no mapped group is refused on the sign-in page', async () => {
  const context = await newContext(browser, demo.baseURL);
  const page = await context.newPage();
  await page.goto('/logga-in');
  await page.getByRole('link', { name: 'Logga in med Exempelstad' }).click();
  await providerLogin(page, 'utan-grupp');
  await page.locator('.error-summary').getByText('inte med i någon grupp').waitFor();
  assert.equal(new URL(page.url()).pathname, '/logga-in/sso/klar');
  await expectNoAxeViolations(page, 'the sign-in page with a refused single sign-on');
  await context.close();
});
