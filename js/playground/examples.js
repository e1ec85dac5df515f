// The examples menu: one snippet per module family, each runnable as is. Titles are
// catalog keys (i18n/<lang>.json), and so is a braced key after `//` on a comment line: it
// becomes the catalog's text for the reader's language (localise). The code runs as it is too.

export function localise(code, t) {
  return code.replace(/\/\/ \{([\w.]+)\}/g, (whole, key) => `// ${t(key)}`);
}

export const EXAMPLES = [
  {
    id: 'lodash',
    title: 'examples.lodash.title',
    input: { orders: [
      { id: 1, city: 'Shanghai', amount: 120.5 }, { id: 2, city: 'Beijing', amount: 80 },
      { id: 3, city: 'Shanghai', amount: 45.25 }, { id: 4, city: 'Shenzhen', amount: 300 },
    ] },
    code: `const _ = require('lodash');

const byCity = _.groupBy(input.orders, 'city');
const totals = _.mapValues(byCity, (orders) => _.sumBy(orders, 'amount'));
console.log('cities:', Object.keys(totals).length);
return _.orderBy(Object.entries(totals).map(([city, total]) => ({ city, total })), ['total'], ['desc']);`,
  },
  {
    id: 'dayjs',
    title: 'examples.dayjs.title',
    input: { meeting: '2025-03-14T09:30:00Z' },
    code: `const dayjs = require('dayjs');
const utc = require('dayjs/plugin/utc');
const timezone = require('dayjs/plugin/timezone');
dayjs.extend(utc);
dayjs.extend(timezone);

const at = dayjs.utc(input.meeting);
return ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York'].map((zone) => ({
  zone,
  local: at.tz(zone).format('YYYY-MM-DD HH:mm Z'),
}));`,
  },
  {
    id: 'crypto',
    title: 'examples.crypto.title',
    input: { message: 'hello world', secret: 's3cr3t' },
    code: `const crypto = require('crypto');

return {
  md5: crypto.createHash('md5').update(input.message).digest('hex'),
  sha256: crypto.createHash('sha256').update(input.message).digest('hex'),
  hmac: crypto.createHmac('sha256', input.secret).update(input.message).digest('base64'),
  uuid: crypto.randomUUID().length,
};`,
  },
  {
    id: 'buffer',
    title: 'examples.buffer.title',
    input: { text: 'Flow CodeBlock ✓' },
    code: `const buf = Buffer.from(input.text, 'utf8');
const b64 = buf.toString('base64');
return {
  base64: b64,
  hex: buf.toString('hex'),
  back: Buffer.from(b64, 'base64').toString('utf8'),
  bytes: buf.length,
};`,
  },
  {
    id: 'xlsx',
    title: 'examples.xlsx.title',
    input: { rows: [{ name: 'Ann', score: 91 }, { name: 'Bo', score: 78 }] },
    code: `const XLSX = require('xlsx');

const sheet = XLSX.utils.json_to_sheet(input.rows);
const book = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(book, sheet, 'Scores');
const file = XLSX.write(book, { type: 'buffer', bookType: 'xlsx' });

const read = XLSX.read(file, { type: 'buffer' });
return { bytes: file.length, sheets: read.SheetNames, rows: XLSX.utils.sheet_to_json(read.Sheets.Scores) };`,
  },
  {
    id: 'pinyin',
    title: 'examples.pinyin.title',
    input: { name: '张三', city: '重庆' },
    code: `const pinyin = require('pinyin');

return {
  name: pinyin(input.name, { style: pinyin.STYLE_NORMAL }).flat().join(' '),
  city: pinyin(input.city, { style: pinyin.STYLE_TONE, heteronym: false }),
  initials: pinyin(input.name, { style: pinyin.STYLE_FIRST_LETTER }).join(''),
};`,
  },
  {
    id: 'fetch',
    title: 'examples.fetch.title',
    input: { url: 'https://httpbin.org/json' },
    code: `// {examples.fetch.comment}
const res = await fetch(input.url, { signal: AbortSignal.timeout(3000) });
if (!res.ok) throw new Error(\`HTTP \${res.status}\`);
const data = await res.json();
return { status: res.status, keys: Object.keys(data) };`,
  },
  {
    id: 'error',
    title: 'examples.error.title',
    input: { user: { name: 'Ann' } },
    code: `const user = input.user;
console.log('user is', user);
// {examples.error.comment}
return user.address.city;`,
  },
];
