// Drives the playground in a real headless Chromium (Debian's, through
// playwright-core) and prints what it observed as JSON; tests/test_playground.py
// asserts on it. Usage: node playground_check.mjs <service-url> <screenshot-dir> [browser-locale]
// The browser's locale (navigator.languages, Accept-Language) picks the page's language.
import { chromium } from 'playwright-core';
import { join } from 'node:path';

const [base, shots, locale = 'en-US'] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Flags that keep Chromium off the network it has no business with (none here).
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

const observed = { foreignRequests: [], pageErrors: [], consoleErrors: [] };
const browser = await chromium.launch({ executablePath, args, headless: true });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
  const page = await context.newPage();
  const origin = new URL(base).origin;
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) observed.foreignRequests.push(r.url()); });
  page.on('pageerror', (e) => observed.pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') observed.consoleErrors.push(m.text()); });

  await page.goto(`${base}/`);
  await page.waitForSelector('body[data-ready="true"]');
  observed.examples = await page.$$eval('#examples option', (os) => os.map((o) => o.value));
  observed.exampleTitles = await page.$$eval('#examples option', (os) => os.map((o) => o.textContent));
  observed.page = {
    lang: await page.getAttribute('html', 'lang'),
    title: await page.title(),
    headings: await page.$$eval('h2[data-i18n], h3[data-i18n], h3 > span[data-i18n]', (hs) => hs.map((h) => h.textContent)),
    labels: await page.$$eval('.bar label > span', (ls) => ls.map((l) => l.textContent)),
    run: await page.textContent('#run'),
    status: await page.textContent('#status'),
    inputState: await page.textContent('#input-state'),
    hint: await page.textContent('.panel.code .hint'),
    tokenPlaceholder: await page.getAttribute('#token', 'placeholder'),
    language: await page.$eval('#lang', (s) => s.value),
  };
  observed.modules = await page.textContent('#modules');

  // An example, run with the button.
  await page.selectOption('#examples', 'lodash');
  await page.click('#run');
  await page.waitForFunction(() => /\b(ok|bad)\b/.test(document.querySelector('#status').className));
  observed.lodash = {
    status: await page.textContent('#status'),
    result: JSON.parse(await page.textContent('#result')),
    logs: await page.$$eval('#logs li', (lis) => lis.map((li) => li.textContent)),
    timing: await page.textContent('#timing'),
    curl: await page.textContent('#curl'),
  };

  // The error example, run with Ctrl+Enter from the editor.
  await page.selectOption('#examples', 'error');
  await page.click('#code-editor .cm-content');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => document.querySelector('#status').classList.contains('bad'));
  observed.error = {
    status: await page.textContent('#status'),
    type: await page.textContent('#error-type'),
    message: await page.textContent('#error-message'),
    location: await page.textContent('#error-location'),
    highlighted: await page.$$eval('#code-editor .cm-error-line', (ls) => ls.map((l) => l.textContent)),
    comment: await page.$$eval('#code-editor .cm-line', (ls) => ls[2].textContent),
    logs: await page.$$eval('#logs li', (lis) => lis.map((li) => li.textContent)),
  };
  await page.screenshot({ path: join(shots, 'playground-error.png') });

  // A refusal of the service itself: its message in the page's language.
  await page.selectOption('#examples', 'lodash');
  await page.click('#code-editor .cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('const x = 1;');
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('#status').classList.contains('bad'));
  observed.validation = { type: await page.textContent('#error-type'), message: await page.textContent('#error-message') };
  await page.selectOption('#examples', 'error');

  // The state is in the URL: a new page with that URL shows the same code.
  const shared = page.url();
  const code = await page.$eval('#code-editor .cm-content', (el) => el.innerText);
  const other = await context.newPage();
  await other.goto(shared);
  await other.waitForSelector('body[data-ready="true"]');
  observed.sharedUrl = shared.includes('#code=');
  observed.sharedSame = (await other.$eval('#code-editor .cm-content', (el) => el.innerText)) === code;
  await other.close();

  // Invalid input JSON disables Run and says why.
  await page.click('#input-editor .cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('{"a": ');
  await page.waitForFunction(() => document.querySelector('#run').disabled);
  observed.invalidInput = { state: await page.textContent('#input-state'), runDisabled: await page.$eval('#run', (b) => b.disabled) };

  // A phone-sized screen: nothing wider than the viewport.
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  await phone.goto(`${base}/playground`);
  await phone.waitForSelector('body[data-ready="true"]');
  observed.phoneOverflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await phone.screenshot({ path: join(shots, 'playground-phone.png'), fullPage: true });

  await page.selectOption('#examples', 'dayjs');
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('#status').classList.contains('ok'));
  await page.screenshot({ path: join(shots, 'playground.png') });
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(observed));
