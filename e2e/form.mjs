// Helpers for the report form (/rapporter/{id}) and for waiting on text without fixed sleeps.
import assert from 'node:assert/strict';

import { WAIT } from './browser.mjs';

/** The demo's question codes, in form order. */
export const QUESTION_CODES = [
  'samverkan-lokalt-naringsliv',
  'vaxla-upp-stockholm',
  'svart-ekonomi-samverkan',
  'renodlade-verksamhetsomraden',
  'platssamverkan-platsaktivering',
  'kultur-offentliga-rummet',
  'sbr-arbetsmarknad-tillvaxt',
  'sbr-dialog-foretag',
];
export const CONTACT = {
  contact_name: 'Eva Ek',
  contact_phone: '08-508 000 00',
  contact_email: 'eva.ek@example.se',
};

/** "Sparat kl. 14.05" as the script and the no-JS notice write it. */
export const SAVED = /^Sparat kl\. \d{2}\.\d{2}$/;

/** A string unlikely to be anywhere else on a page. */
export function marker(prefix = 'm') {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Waits until the locator's text (innerText, trimmed) matches `expected` (string or RegExp). */
export async function expectText(locator, expected, { timeout = WAIT } = {}) {
  const matches = (text) => (expected instanceof RegExp ? expected.test(text) : text.includes(expected));
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    try {
      last = (await locator.innerText({ timeout: Math.max(1, deadline - Date.now()) })).trim();
      if (matches(last)) return last;
    } catch (error) {
      // A locator that matches several elements is a mistake in the test, not a wait.
      if (/strict mode violation/.test(String(error)) || Date.now() >= deadline) throw error;
    }
    if (Date.now() >= deadline) {
      assert.fail(`expected text ${expected} in ${locator}, last seen: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until a field's input or textarea holds `expected`. */
export async function expectValue(page, selector, expected, { timeout = WAIT } = {}) {
  await page
    .waitForFunction(
      ([s, v]) => document.querySelector(s)?.value === v,
      [selector, expected],
      { timeout },
    )
    .catch(async () => {
      const actual = await page.locator(selector).inputValue().catch(() => '(missing)');
      assert.fail(`expected ${selector} to hold ${JSON.stringify(expected)}, it holds ${JSON.stringify(actual)}`);
    });
}

/** Waits for the autosave status of `code` to say "Sparat kl. HH.MM". */
export function expectSaved(page, code) {
  return expectText(page.locator(`#status-${code}`), SAVED);
}

/** The question codes on the open form (fields that can be marked Ej aktuellt). */
export async function questionCodes(page) {
  return page
    .locator('form#rapport [data-field]')
    .evaluateAll((els) =>
      els.filter((el) => el.querySelector('input[type=checkbox][id^="na-"]')).map((el) => el.dataset.field),
    );
}

/**
 * Fills in every answer (the one `notApplicable` names is ticked Ej aktuellt instead) and the
 * contact person. Returns the texts written, by code.
 */
export async function fillCompleteReport(page, { prefix = 'Svar', notApplicable, contact = CONTACT } = {}) {
  const codes = await questionCodes(page);
  assert.ok(codes.length > 0, 'the form has questions');
  const written = {};
  for (const code of codes) {
    if (code === notApplicable) {
      await page.check(`#na-${code}`);
    } else {
      written[code] = `${prefix} på ${code}.`;
      await page.fill(`#field-${code}`, written[code]);
    }
  }
  for (const [code, value] of Object.entries(contact)) {
    await page.fill(`#field-${code}`, value);
    written[code] = value;
  }
  return written;
}

/** Clicks a form button ("Spara", "Skicka in") and waits for the page it leads to. */
export async function clickAndWaitForPage(page, name) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  return response;
}
