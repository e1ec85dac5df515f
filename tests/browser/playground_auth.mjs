// The playground against a service with AUTH_ENABLED: without a token the run is
// refused (401), with the token field filled it succeeds; the token is kept in this
// browser's localStorage, never in the URL or the curl command.
// Usage: node playground_auth.mjs <service-url> <token>
import { chromium } from 'playwright-core';

const [base, token] = process.argv.slice(2);
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args });
const observed = {};
try {
  const page = await browser.newPage();
  const done = () => page.waitForFunction(() => /^(Success|Error)/.test(document.querySelector('#status').textContent));
  await page.goto(`${base}/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.selectOption('#examples', 'buffer');
  await page.click('#run');
  await done();
  observed.without = { status: await page.textContent('#status'), type: await page.textContent('#error-type') };

  await page.fill('#token', token);
  await page.dispatchEvent('#token', 'change');
  await page.click('#run');
  await done();
  observed.with = { status: await page.textContent('#status'), result: JSON.parse(await page.textContent('#result')) };
  observed.curl = await page.textContent('#curl');
  observed.url = page.url();

  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  observed.kept = (await page.inputValue('#token')) === token;
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(observed));
