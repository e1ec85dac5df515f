// The playground's language switcher, ?lang= links and the remembered choice, in a real
// headless Chromium; prints what it observed as JSON for tests/test_playground.py.
// Usage: node playground_lang.mjs <service-url> <screenshot-dir>
import { chromium } from 'playwright-core';
import { join } from 'node:path';

const [base, shots] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

const texts = (page) => page.evaluate(() => ({
  lang: document.documentElement.lang,
  switcher: document.querySelector('#lang').value,
  title: document.title,
  output: document.querySelector('.output h2').textContent,
  run: document.querySelector('#run').textContent,
  status: document.querySelector('#status').textContent,
  example: document.querySelector('#examples').selectedOptions[0].textContent,
  url: location.href,
  stored: localStorage.getItem('flow-codeblock.lang'),
}));

const observed = { pageErrors: [] };
const browser = await chromium.launch({ executablePath, args, headless: true });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (e) => observed.pageErrors.push(String(e)));
  await page.goto(`${base}/`);
  await page.waitForSelector('body[data-ready="true"]');
  observed.before = await texts(page);

  // The switcher: the page changes in place, the URL names the language, the choice is kept.
  await page.selectOption('#examples', 'error');
  await page.selectOption('#lang', 'zh-CN');
  observed.switched = await texts(page);
  observed.switchedComment = await page.$$eval('#code-editor .cm-line', (ls) => ls[2].textContent);
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('#status').classList.contains('bad'));
  observed.error = {
    status: await page.textContent('#status'),
    type: await page.textContent('#error-type'),
    message: await page.textContent('#error-message'),
    location: await page.textContent('#error-location'),
    timing: await page.textContent('#timing'),
  };
  await page.screenshot({ path: join(shots, 'playground-zh.png') });
  // Back to English: the panel already shown follows.
  await page.selectOption('#lang', 'en');
  observed.back = { ...(await texts(page)), location: await page.textContent('#error-location'),
    timing: await page.textContent('#timing') };
  await page.selectOption('#lang', 'zh-CN');

  // Remembered: the same browser opens the page without ?lang= in Chinese.
  const again = await context.newPage();
  await again.goto(`${base}/playground`);
  await again.waitForSelector('body[data-ready="true"]');
  observed.remembered = await texts(again);

  // A link with ?lang=: a fresh browser whose own language is English.
  const fresh = await browser.newContext({ locale: 'en-US' });
  const linked = await fresh.newPage();
  await linked.goto(`${base}/?lang=zh-CN`);
  await linked.waitForSelector('body[data-ready="true"]');
  observed.linked = await texts(linked);
  await fresh.close();
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(observed));
