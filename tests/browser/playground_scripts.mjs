// The playground's "Save as script" flow against a service with AUTH_ENABLED: save the
// editor's code as a stored script, list the token's scripts, open one into the editor,
// save a new version, copy the call URL, and call that URL with no code and no token.
// Usage: node playground_scripts.mjs <service-url> <token>
import { chromium } from 'playwright-core';

const [base, token] = process.argv.slice(2);
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args });
const b64url = (text) => Buffer.from(text).toString('base64url');
const CODE = "return { hello: input.body?.name ?? input.query.name, version: 1 }";
const observed = {};
try {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  const state = (text) => page.waitForFunction((t) => document.querySelector('#script-state').textContent.startsWith(t), text);
  await page.goto(`${base}/?lang=en#code=${b64url(CODE)}&input=${b64url('{}')}`);
  await page.waitForSelector('body[data-ready="true"]');
  observed.initial = { state: await page.textContent('#script-state'), urlShown: await page.isVisible('#script-url-row') };

  // Without a token the service refuses: the panel says why.
  await page.click('#save-script');
  await state('Failed');
  observed.withoutToken = await page.textContent('#script-state');

  await page.fill('#token', token);
  await page.dispatchEvent('#token', 'change');
  await page.fill('#script-description', 'greeter from the browser');
  await page.click('#save-script');
  await state('Saved');
  observed.saved = await page.textContent('#script-state');
  observed.url = await page.textContent('#script-url');
  await page.click('#copy-script-url');
  observed.copied = await page.evaluate(() => navigator.clipboard.readText());
  observed.listed = await page.$$eval('#scripts li', (items) => items.map((li) => ({
    id: li.dataset.id, name: li.querySelector('.name').textContent, version: li.querySelector('.version').textContent,
  })));

  // Another code in the editor, then the saved script opened back into it.
  await page.goto(`${base}/?lang=en#code=${b64url('return 0')}&input=${b64url('{}')}`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('#list-scripts');
  await page.waitForSelector('#scripts li .open');
  await page.click('#scripts li .open');
  await state('Opened');
  observed.opened = { state: await page.textContent('#script-state'), code: await page.textContent('.code .cm-content'),
    description: await page.inputValue('#script-description') };

  // A new version from the editor: the same URL runs it.
  await page.click('.code .cm-content');
  await page.keyboard.press('Control+a');
  await page.keyboard.type("return { hello: input.body?.name ?? input.query.name, version: 2 }");
  await page.click('#save-version');
  await state('Saved');
  observed.savedVersion = await page.textContent('#script-state');
  observed.urlAfterVersion = await page.textContent('#script-url');

  // The call URL needs neither code nor token.
  observed.call = await page.evaluate(async (url) => {
    const post = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"Ada"}' });
    const get = await fetch(`${url}?name=Grace`);
    return { post: [post.status, await post.json()], get: [get.status, await get.json()] };
  }, observed.url);

  // The panel follows the language switcher.
  await page.selectOption('#lang', 'zh-CN');
  observed.zh = { state: await page.textContent('#script-state'), save: await page.textContent('#save-script') };
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(observed));
