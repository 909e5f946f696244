// Sign-in links in Chromium: a reporter asks for a link on the sign-in page, the link
// arrives at an SMTP server this test runs, and opening it and pressing its button signs
// in; another browser is refused. axe (WCAG 2.1 A and AA) on every new page, and the whole
// flow again with JavaScript turned off. Also the GDPR information, linked from the footer.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';

import { expectNoAxeViolations, launchBrowser, newContext, withoutFormScript } from './browser.mjs';
import { ACCOUNTS, startDemo } from './server.mjs';

let demo;
let browser;
let smtp;

/** A minimal SMTP server on 127.0.0.1 that accepts every message and keeps its text. */
function startSmtp() {
  const messages = [];
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let buffer = '';
    let data = null;
    socket.write('220 test ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data !== null) {
          if (line === '.') {
            messages.push(data);
            data = null;
            socket.write('250 OK\r\n');
          } else {
            data += `${line.startsWith('..') ? line.slice(1) : line}\n`;
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'DATA') {
          data = '';
          socket.write('354 Send it\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 Bye\r\n');
        } else {
          socket.write('250 OK\r\n');
        }
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        messages,
        port: server.address().port,
        // The sender keeps its connection open: end it, or this process would wait for it.
        close: () => {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      }),
    );
  });
}

/** The path of the newest sign-in link mailed to `email`, waiting for it to arrive. */
async function linkFor(email, seen) {
  for (let tries = 0; tries < 150; tries += 1) {
    const fresh = smtp.messages.slice(seen).filter((m) => m.includes(`To: ${email}`));
    // Quoted-printable: soft line breaks joined.
    const text = fresh.map((m) => m.replace(/=\n/g, '')).join('\n');
    const found = text.match(/\/inloggningslank\/([0-9a-f]{64})/);
    if (found) return found[0];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no sign-in link reached ${email}`);
}

before(async () => {
  smtp = await startSmtp();
  demo = await startDemo({
    args: [
      '--smtp-host', '127.0.0.1',
      '--smtp-port', String(smtp.port),
      '--smtp-security', 'none',
      '--mail-interval-ms', '100',
      '--reminder-days', '1',
    ],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
  smtp?.close();
});

/** Asks for a link on the sign-in page, as a person does; returns the link's path. */
async function askForLink(page, email) {
  const seen = smtp.messages.length;
  await page.goto('/logga-in');
  await Promise.all([
    page.waitForURL(/\/logga-in\/lank$/),
    page.getByRole('link', { name: 'Få en inloggningslänk via e-post' }).click(),
  ]);
  await page.getByLabel('E-postadress').fill(email);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Skicka länken' }).click()]);
  assert.match(await page.locator('main').innerText(), /Om adressen finns hos oss har vi skickat en länk/);
  return linkFor(email, seen);
}

test('a reporter asks for a link and signs in with it; every new page passes axe', async () => {
  const context = await withoutFormScript(await newContext(browser, demo.baseURL));
  const page = await context.newPage();

  // The form, then a bad address on the re-shown form.
  await page.goto('/logga-in/lank');
  await expectNoAxeViolations(page, 'the sign-in link form');
  await page.getByLabel('E-postadress').fill('inte en adress');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Skicka länken' }).click()]);
  assert.match(await page.locator('.error-summary').innerText(), /Ange e-postadressen i rätt format/);
  assert.equal(await page.getByLabel('E-postadress').inputValue(), 'inte en adress');
  await expectNoAxeViolations(page, 'the sign-in link form with an error');

  const link = await askForLink(page, ACCOUNTS.skarholmen);
  await expectNoAxeViolations(page, 'the answer to a request for a link');

  // Another browser is refused, and told where to open the link.
  const other = await withoutFormScript(await newContext(browser, demo.baseURL));
  const elsewhere = await other.newPage();
  const refused = await elsewhere.goto(link);
  assert.equal(refused.status(), 403);
  assert.match(await elsewhere.locator('main').innerText(), /annan webbläsare än den där du bad om den/);
  await expectNoAxeViolations(elsewhere, 'a link opened in another browser');
  await other.close();

  await page.goto(link);
  assert.match(await page.locator('main').innerText(), /loggar in dig som skarholmen@example\.se/);
  await expectNoAxeViolations(page, "the link's page");
  await Promise.all([page.waitForURL(/\/rapporter$/), page.getByRole('button', { name: 'Logga in' }).click()]);
  assert.match(await page.locator('main').innerText(), /Tertialrapport 2 2022/);

  const used = await page.goto(link);
  assert.equal(used.status(), 410);
  assert.match(await page.locator('main').innerText(), /Länken är redan använd/);
  await expectNoAxeViolations(page, 'a used link');
  await context.close();
});

test('the GDPR information is linked from the footer and passes axe', async () => {
  const context = await withoutFormScript(await newContext(browser, demo.baseURL));
  const page = await context.newPage();
  await page.goto('/logga-in');
  await Promise.all([
    page.waitForURL(/\/personuppgifter$/),
    page.locator('footer').getByRole('link', { name: 'Så behandlar vi personuppgifter' }).click(),
  ]);
  assert.match(await page.locator('h1').innerText(), /Så behandlar vi personuppgifter/);
  assert.match(await page.locator('main').innerText(), /Exempelstad är personuppgiftsansvarig/);
  await expectNoAxeViolations(page, 'the GDPR information');
  await page.setViewportSize({ width: 320, height: 800 });
  await expectNoAxeViolations(page, 'the GDPR information at 320 px');
  await context.close();
});

test('with JavaScript off, a link is asked for and signs in', async () => {
  const context = await newContext(browser, demo.baseURL, { javaScriptEnabled: false });
  const page = await context.newPage();
  const link = await askForLink(page, ACCOUNTS.bromma);
  await page.goto(link);
  await Promise.all([page.waitForURL(/\/rapporter$/), page.getByRole('button', { name: 'Logga in' }).click()]);
  assert.match(await page.locator('main').innerText(), /Tertialrapport 2 2022/);
  await context.close();
});
