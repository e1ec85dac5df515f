"""npm modules (lodash, qs, uuid, crypto-js, dayjs, date-fns, date-fns-tz,
fast-xml-parser), compared with real Node.js running the same pinned packages from
node_modules. Results (as JSON) and thrown errors (name, message) must match."""

from __future__ import annotations

from typing import Any

import pytest

from compat.conftest import assert_matches_node, case_ids, run_in_node
from conftest import CodeBlockClient

INPUT = {
    "orders": [
        {"id": 1, "customer": "张三", "city": "上海", "amount": 120.5, "at": "2024-03-01T09:15:00Z"},
        {"id": 2, "customer": "李四", "city": "北京", "amount": 80, "at": "2024-03-02T22:40:00Z"},
        {"id": 3, "customer": "张三", "city": "上海", "amount": 45.25, "at": "2024-03-05T03:05:00Z"},
        {"id": 4, "customer": "王五", "city": "深圳", "amount": 300, "at": "2024-02-28T16:00:00Z"},
    ],
    "text": "Hello, 世界",
    "ts": 1709284500000,
}

LODASH = [
    "const _ = require('lodash'); return _.groupBy(input.orders, 'city')",
    "const _ = require('lodash'); return _.sortBy(input.orders, ['amount']).map(o => o.id)",
    "const _ = require('lodash'); return _.orderBy(input.orders, ['customer', 'amount'], ['asc', 'desc']).map(o => o.id)",
    "const _ = require('lodash'); return _.sumBy(input.orders, 'amount')",
    "const _ = require('lodash'); return _.meanBy(input.orders, 'amount')",
    "const _ = require('lodash'); return _.keyBy(input.orders, 'id')[3].customer",
    "const _ = require('lodash'); return _.countBy(input.orders, 'customer')",
    "const _ = require('lodash'); return _.mapValues(_.groupBy(input.orders, 'city'), g => _.sumBy(g, 'amount'))",
    "const _ = require('lodash'); return _.chunk([1, 2, 3, 4, 5], 2)",
    "const _ = require('lodash'); return _.uniqBy(input.orders, 'customer').length",
    "const _ = require('lodash'); return _.pick(input.orders[0], ['id', 'city'])",
    "const _ = require('lodash'); return _.omit(input.orders[0], ['at', 'amount'])",
    "const _ = require('lodash'); return _.get(input, 'orders[1].customer', 'none')",
    "const _ = require('lodash'); return _.get(input, 'orders[9].customer', 'none')",
    "const _ = require('lodash'); const o = {}; _.set(o, 'a.b[0].c', 1); return o",
    "const _ = require('lodash'); return _.merge({ a: { b: 1, c: [1] } }, { a: { d: 2, c: [2, 3] } })",
    "const _ = require('lodash'); return _.cloneDeep(input.orders[0])",
    "const _ = require('lodash'); return _.isEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })",
    "const _ = require('lodash'); return [_.camelCase('Foo Bar-baz'), _.snakeCase('fooBar'), _.kebabCase('Foo Bar'), _.startCase('foo_bar')]",
    "const _ = require('lodash'); return [_.capitalize('hELLO'), _.upperFirst('abc'), _.pad('x', 5, '-'), _.truncate('abcdefghij', { length: 6 })]",
    "const _ = require('lodash'); return _.flattenDeep([1, [2, [3, [4]]]])",
    "const _ = require('lodash'); return _.difference([1, 2, 3, 4], [2, 4])",
    "const _ = require('lodash'); return _.intersection([1, 2, 3], [2, 3, 4])",
    "const _ = require('lodash'); return _.union([1, 2], [2, 3])",
    "const _ = require('lodash'); return _.zipObject(['a', 'b'], [1, 2])",
    "const _ = require('lodash'); return _.range(0, 20, 5)",
    "const _ = require('lodash'); return _.partition([1, 2, 3, 4], n => n % 2)",
    "const _ = require('lodash'); return _.template('Hi <%= name %>!')({ name: 'Ann' })",
    "const _ = require('lodash'); return _.escape('<a href=\"x\">&</a>')",
    "const _ = require('lodash'); return _.chain(input.orders).filter(o => o.amount > 50).map('customer').uniq().value()",
    "const _ = require('lodash'); return _.debounce && _.throttle && typeof _.memoize(x => x)",
    "const _ = require('lodash'); return [_.isEmpty({}), _.isEmpty([1]), _.isNil(null), _.isPlainObject({}), _.isString('s')]",
    "const _ = require('lodash'); return _.defaultsDeep({ a: { b: 1 } }, { a: { b: 2, c: 3 } })",
    "const _ = require('lodash'); return _.round(1.005, 2) + _.floor(4.567, 1) + _.ceil(1.21, 1)",
    "const _ = require('lodash'); return _.toPairs({ a: 1, b: 2 })",
    "const _ = require('lodash'); return _.invert({ a: 'x', b: 'y' })",
    "const get = require('lodash/get'); return get({ a: [{ b: 7 }] }, 'a[0].b')",
    "const sortBy = require('lodash/sortBy'); return sortBy([3, 1, 2])",
    "const _ = require('lodash'); return _.VERSION",
    "const _ = require('lodash'); return _.times(3, i => i * i)",
]

QS = [
    "const qs = require('qs'); return qs.stringify({ a: 1, b: [1, 2], c: { d: 'e f' } })",
    "const qs = require('qs'); return qs.stringify({ a: [1, 2] }, { arrayFormat: 'brackets' })",
    "const qs = require('qs'); return qs.stringify({ a: [1, 2] }, { arrayFormat: 'repeat' })",
    "const qs = require('qs'); return qs.stringify({ a: [1, 2] }, { arrayFormat: 'comma' })",
    "const qs = require('qs'); return qs.stringify({ a: { b: { c: 1 } } }, { allowDots: true })",
    "const qs = require('qs'); return qs.stringify({ q: '中文 & =' })",
    "const qs = require('qs'); return qs.stringify({ a: null, b: undefined, c: '' })",
    "const qs = require('qs'); return qs.stringify({ a: 1 }, { addQueryPrefix: true })",
    "const qs = require('qs'); return qs.stringify({ a: 'b c' }, { format: 'RFC1738' })",
    "const qs = require('qs'); return qs.stringify({ a: 'x' }, { encode: false })",
    "const qs = require('qs'); return qs.parse('a=1&b[]=2&b[]=3&c[d]=e')",
    "const qs = require('qs'); return qs.parse('a.b.c=1', { allowDots: true })",
    "const qs = require('qs'); return qs.parse('?x=1&y=%E4%B8%AD', { ignoreQueryPrefix: true })",
    "const qs = require('qs'); return qs.parse('a=1,2,3', { comma: true })",
    "const qs = require('qs'); return qs.parse('a[1]=b&a[0]=c')",
    "const qs = require('qs'); return qs.parse('a=b;c=d', { delimiter: ';' })",
    "const qs = require('qs'); return qs.stringify(qs.parse('a[b][c]=d&e=f'))",
    "const qs = require('qs'); return qs.stringify({ date: new Date(Date.UTC(2024, 0, 2)) })",
    "const qs = require('qs'); return qs.stringify({ a: [{ b: 1 }, { b: 2 }] }, { encodeValuesOnly: true })",
    "const qs = require('qs'); return Object.keys(qs)",
]
# qs's corners as the pinned version has them in Node: depth and strictDepth, arrayLimit,
# allowEmptyArrays, duplicates, parameterLimit, throwOnLimitExceeded, charsets, prototypes.
QS += [f"const qs = require('qs');\n{c}" for c in (
    "return qs.parse('a[b][c][d][e][f][g][h]=i')",
    "return qs.parse('a[b][c][d][e][f][g][h]=i', { depth: 1 })",
    "return qs.parse('a[b][c]=d', { depth: 0 })",
    "return qs.parse('a[b][c][d]=e', { depth: 1, strictDepth: true })",
    "return qs.parse('a[b]=c', { depth: 1, strictDepth: true })",
    "return qs.parse('a[1]=b&a[21]=c')",
    "return qs.parse('a[100]=b')",
    "return qs.parse('a[20]=b', { arrayLimit: 20 })",
    "return qs.parse('a[21]=b', { arrayLimit: 20 })",
    "return qs.parse('a[]=b&a[]=c', { arrayLimit: 0 })",
    "return qs.parse('a[0]=b', { arrayLimit: -1 })",
    "return qs.parse('a[1]=b', { arrayLimit: 0 })",
    "return qs.parse('a=b&a=c', { arrayLimit: 1 })",
    "return qs.parse('a=1&a=2&a=3', { arrayLimit: 2, throwOnLimitExceeded: true })",
    "return qs.parse('a[]=1&a[]=2&a[]=3', { arrayLimit: 2 })",
    "return qs.parse('foo[]&bar=baz', { allowEmptyArrays: true })",
    "return qs.parse('foo[]&bar=baz', { allowEmptyArrays: false })",
    "return qs.parse('foo[]=&bar=baz', { allowEmptyArrays: true })",
    "return qs.parse('foo=bar&foo=baz', { duplicates: 'combine' })",
    "return qs.parse('foo=bar&foo=baz', { duplicates: 'first' })",
    "return qs.parse('foo=bar&foo=baz', { duplicates: 'last' })",
    "return qs.parse('foo=bar', { duplicates: 'nope' })",
    "return qs.stringify({ foo: [] , bar: 'baz' }, { allowEmptyArrays: true })",
    "return qs.stringify({ a: { b: 'c' } }, { allowDots: true, encodeDotInKeys: true })",
    "return qs.stringify({ 'a.b': 'c' }, { allowDots: true, encodeDotInKeys: true })",
    "return qs.parse('name%252Eobj.first=John', { decodeDotInKeys: true })",
    "return qs.parse('a=1&b=2&c=3', { parameterLimit: 2 })",
    "return qs.parse('a=1&b=2&c=3', { parameterLimit: 2, throwOnLimitExceeded: true })",
    "return qs.parse('a=1', { parameterLimit: 0 })",
    "return qs.parse('a[b]=1&a=2')",
    "return qs.parse('a=2&a[b]=1')",
    "return qs.parse('a[]=1&a[b]=2')",
    "return qs.parse('a[0]=1&a[b]=2')",
    "return qs.parse('[]=a&[]=b')",
    "return qs.parse('a[=b')",
    "return qs.parse('a]=b')",
    "return qs.parse('a[[b]]=c')",
    "return qs.parse('a[b]c=d')",
    "return qs.parse('a.b.c=d', { allowDots: true, depth: 1 })",
    "return qs.parse('a[__proto__][b]=c')",
    "return qs.parse('__proto__[x]=1&constructor[prototype][y]=2')",
    "return qs.parse('a[hasOwnProperty]=b', { allowPrototypes: false })",
    "return qs.parse('a[hasOwnProperty]=b', { allowPrototypes: true })",
    "return qs.parse('a=%E4%BD%A0&b=%ZZ')",
    "return qs.parse('a=%A4', { charset: 'iso-8859-1' })",
    "return qs.parse('utf8=%E2%9C%93&a=%C3%B8', { charsetSentinel: true, charset: 'iso-8859-1' })",
    "return qs.parse('a=&#9786;', { charset: 'iso-8859-1', interpretNumericEntities: true })",
    "return qs.parse('a,b=c', { comma: true })",
    "return qs.parse('a=b,c', { comma: true })",
    "return qs.parse('a=b,c&a=d', { comma: true })",
    "return qs.parse('a=1;b=2', { delimiter: /[;,]/ })",
    "return qs.parse('?a=b', { ignoreQueryPrefix: true })",
    "return qs.parse('a', { strictNullHandling: true })",
    "return qs.parse('a[b]=c', { plainObjects: true })",
    "return qs.parse('a[b]=1', { depth: -1 })",
    "return qs.parse('a=b', { decoder: 5 })",
    "return qs.parse('a=b', { charset: 'utf16' })",
)]

UUID = [
    "const { v4, validate, version } = require('uuid'); const id = v4(); return [validate(id), version(id), id.length]",
    "const { v1, version } = require('uuid'); return version(v1())",
    "const { v6, version } = require('uuid'); return version(v6())",
    "const { v7, version, validate } = require('uuid'); const id = v7(); return [version(id), validate(id)]",
    "const { v5 } = require('uuid'); return v5('hello', v5.URL)",
    "const { v5 } = require('uuid'); return v5('hello.example.com', v5.DNS)",
    "const { v3 } = require('uuid'); return v3('hello', v3.URL)",
    "const { v5 } = require('uuid'); return v5('name', '1b671a64-40d5-491e-99b0-da01ff1f3341')",
    "const { NIL, MAX } = require('uuid'); return [NIL, MAX]",
    "const { validate } = require('uuid'); return ['not-a-uuid', '00000000-0000-0000-0000-000000000000', 'c0a8a2b2-1c1e-4b6a-8d2a-3f0e5b7c9d10'].map(validate)",
    "const { parse, stringify } = require('uuid'); return stringify(parse('6ba7b810-9dad-11d1-80b4-00c04fd430c8'))",
    "const { parse } = require('uuid'); return Array.from(parse('6ba7b810-9dad-11d1-80b4-00c04fd430c8'))",
    "const { version } = require('uuid'); return version('invalid')",
    "const { v1ToV6 } = require('uuid'); return v1ToV6('c232ab00-9414-11ec-b3c8-9f6bdeced846')",
    "const { v5 } = require('uuid'); return v5('x', 'bad namespace')",
]

CRYPTO_JS = [
    "const C = require('crypto-js'); return C.MD5('hello').toString()",
    "const C = require('crypto-js'); return C.SHA1('hello').toString()",
    "const C = require('crypto-js'); return C.SHA256('hello').toString()",
    "const C = require('crypto-js'); return C.SHA512(input.text).toString()",
    "const C = require('crypto-js'); return C.SHA3('hello', { outputLength: 256 }).toString()",
    "const C = require('crypto-js'); return C.RIPEMD160('hello').toString()",
    "const C = require('crypto-js'); return C.HmacSHA256('message', 'secret').toString()",
    "const C = require('crypto-js'); return C.HmacSHA256('message', 'secret').toString(C.enc.Base64)",
    "const C = require('crypto-js'); return C.HmacMD5('m', 'k').toString()",
    "const C = require('crypto-js'); return C.enc.Base64.stringify(C.enc.Utf8.parse(input.text))",
    "const C = require('crypto-js'); return C.enc.Utf8.stringify(C.enc.Base64.parse('SGVsbG8sIOS4lueVjA=='))",
    "const C = require('crypto-js'); return C.enc.Hex.stringify(C.enc.Utf8.parse('abc'))",
    "const C = require('crypto-js'); const key = C.enc.Utf8.parse('1234567890123456'); const iv = C.enc.Utf8.parse('abcdefghijklmnop');\n"
    "return C.AES.encrypt('secret text', key, { iv, mode: C.mode.CBC, padding: C.pad.Pkcs7 }).toString()",
    "const C = require('crypto-js'); const key = C.enc.Utf8.parse('1234567890123456');\n"
    "return C.AES.encrypt('ecb text', key, { mode: C.mode.ECB }).toString()",
    "const C = require('crypto-js'); const key = C.enc.Utf8.parse('1234567890123456'); const iv = C.enc.Utf8.parse('abcdefghijklmnop');\n"
    "const ct = C.AES.encrypt('round trip', key, { iv }).toString(); return C.AES.decrypt(ct, key, { iv }).toString(C.enc.Utf8)",
    "const C = require('crypto-js'); const ct = C.AES.encrypt('passphrase mode', 'pw').toString(); return C.AES.decrypt(ct, 'pw').toString(C.enc.Utf8)",
    "const C = require('crypto-js'); return C.PBKDF2('password', 'salt', { keySize: 8, iterations: 10 }).toString()",
    "const C = require('crypto-js'); const key = C.enc.Utf8.parse('12345678'); return C.DES.encrypt('des', key, { mode: C.mode.ECB }).toString()",
    "const C = require('crypto-js'); return C.lib.WordArray.random(16).sigBytes",
    "const C = require('crypto-js'); return C.SHA256(C.enc.Hex.parse('00ff')).toString(C.enc.Base64)",
]

DAYJS = [
    "const dayjs = require('dayjs'); return dayjs('2024-03-01T09:15:00Z').toISOString()",
    "const dayjs = require('dayjs'); return dayjs(input.ts).valueOf()",
    "const dayjs = require('dayjs'); return dayjs('2024-01-31').add(1, 'month').format('YYYY-MM-DD')",
    "const dayjs = require('dayjs'); return dayjs('2024-03-10').subtract(10, 'day').format('YYYY-MM-DD dddd')",
    "const dayjs = require('dayjs'); return dayjs('2024-03-10').startOf('month').format('YYYY-MM-DD')",
    "const dayjs = require('dayjs'); return dayjs('2024-03-10').endOf('year').format('YYYY-MM-DD HH:mm:ss.SSS')",
    "const dayjs = require('dayjs'); return dayjs('2024-03-10').diff(dayjs('2024-01-01'), 'day')",
    "const dayjs = require('dayjs'); return dayjs('2024-03-10').diff('2023-03-10', 'month', true)",
    "const dayjs = require('dayjs'); return [dayjs('2024-02-29').isValid(), dayjs('not a date').isValid()]",
    "const dayjs = require('dayjs'); return dayjs('2024-03-10').isBefore('2024-03-11')",
    "const dayjs = require('dayjs'); return dayjs('2024-03-10').daysInMonth()",
    "const dayjs = require('dayjs'); const utc = require('dayjs/plugin/utc'); dayjs.extend(utc);\n"
    "return dayjs.utc('2024-03-01T09:15:00Z').format('YYYY-MM-DD HH:mm Z')",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/utc')); dayjs.extend(require('dayjs/plugin/timezone'));\n"
    "return dayjs.utc('2024-03-01T09:15:00Z').tz('Asia/Shanghai').format('YYYY-MM-DD HH:mm:ss Z')",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/utc')); dayjs.extend(require('dayjs/plugin/timezone'));\n"
    "return input.orders.map(o => dayjs(o.at).tz('Asia/Shanghai').format('MM-DD HH:mm'))",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/utc')); dayjs.extend(require('dayjs/plugin/timezone'));\n"
    "return dayjs.tz('2024-07-01 08:00', 'America/New_York').toISOString()",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/customParseFormat'));\n"
    "return dayjs('05/03/2024 14:30', 'DD/MM/YYYY HH:mm').format('YYYY-MM-DD HH:mm')",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/customParseFormat'));\n"
    "return dayjs('2024年3月5日', 'YYYY年M月D日').format('YYYY-MM-DD')",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/relativeTime'));\n"
    "return dayjs('2024-01-01').from(dayjs('2024-03-01'))",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/relativeTime')); require('dayjs/locale/zh-cn');\n"
    "return dayjs('2024-01-01').locale('zh-cn').from(dayjs('2024-03-01'))",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/duration'));\n"
    "const d = dayjs.duration(3725, 'seconds'); return [d.hours(), d.minutes(), d.seconds(), d.asMinutes(), d.toISOString()]",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/isBetween'));\n"
    "return dayjs('2024-03-05').isBetween('2024-03-01', '2024-03-10', 'day', '[]')",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/weekOfYear')); return dayjs('2024-03-05').week()",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/advancedFormat'));\n"
    "return dayjs('2024-03-05').format('Q Do X x')",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/localizedFormat')); return dayjs('2024-03-05 13:04').format('LLLL')",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/quarterOfYear')); return [dayjs('2024-08-05').quarter(), dayjs('2024-08-05').startOf('quarter').format('YYYY-MM-DD')]",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/isSameOrBefore')); dayjs.extend(require('dayjs/plugin/isSameOrAfter'));\n"
    "return [dayjs('2024-03-05').isSameOrBefore('2024-03-05'), dayjs('2024-03-05').isSameOrAfter('2024-03-06')]",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/minMax'));\n"
    "return [dayjs.max(dayjs('2024-01-01'), dayjs('2024-05-01')).format('YYYY-MM-DD'), dayjs.min([dayjs('2024-01-01'), dayjs('2023-05-01')]).format('YYYY-MM-DD')]",
    "const dayjs = require('dayjs'); require('dayjs/locale/zh-cn'); return dayjs('2024-03-05').locale('zh-cn').format('YYYY年M月D日 dddd A')",
    "const dayjs = require('dayjs'); require('dayjs/locale/zh-cn'); dayjs.locale('zh-cn'); const s = dayjs('2024-03-05').format('dddd'); dayjs.locale('en'); return s",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/isoWeek')); return [dayjs('2024-03-05').isoWeek(), dayjs('2024-03-05').isoWeekday()]",
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/dayOfYear')); return dayjs('2024-03-05').dayOfYear()",
    "const dayjs = require('dayjs'); return dayjs('2024-03-05T10:20:30.123Z').unix()",
]

DATE_FNS = [
    "const { format } = require('date-fns'); return format(new Date(2024, 2, 5, 14, 7), 'yyyy-MM-dd HH:mm EEEE')",
    "const { addDays, format } = require('date-fns'); return format(addDays(new Date(2024, 1, 27), 3), 'yyyy-MM-dd')",
    "const { differenceInDays, parseISO } = require('date-fns'); return differenceInDays(parseISO('2024-03-10'), parseISO('2024-01-01'))",
    "const { differenceInBusinessDays } = require('date-fns'); return differenceInBusinessDays(new Date(2024, 2, 15), new Date(2024, 2, 1))",
    "const { isValid, parse } = require('date-fns'); return isValid(parse('31/02/2024', 'dd/MM/yyyy', new Date()))",
    "const { parse, format } = require('date-fns'); return format(parse('05/03/2024', 'dd/MM/yyyy', new Date()), 'yyyy-MM-dd')",
    "const { startOfWeek, format } = require('date-fns'); return format(startOfWeek(new Date(2024, 2, 6), { weekStartsOn: 1 }), 'yyyy-MM-dd')",
    "const { eachDayOfInterval, format } = require('date-fns'); return eachDayOfInterval({ start: new Date(2024, 0, 30), end: new Date(2024, 1, 2) }).map(d => format(d, 'MM-dd'))",
    "const { formatDistance } = require('date-fns'); return formatDistance(new Date(2024, 0, 1), new Date(2024, 2, 1))",
    "const { formatDistanceStrict } = require('date-fns'); return formatDistanceStrict(new Date(2024, 0, 1), new Date(2024, 0, 1, 5), { unit: 'minute' })",
    "const { isWeekend, getDay } = require('date-fns'); return [isWeekend(new Date(2024, 2, 9)), getDay(new Date(2024, 2, 9))]",
    "const { addMonths, lastDayOfMonth, format } = require('date-fns'); return format(lastDayOfMonth(addMonths(new Date(2024, 0, 31), 1)), 'yyyy-MM-dd')",
    "const { formatISO } = require('date-fns'); return formatISO(new Date(Date.UTC(2024, 2, 5, 12)), { representation: 'date' })",
    "const { compareAsc } = require('date-fns'); return [new Date(2024, 1, 1), new Date(2023, 1, 1), new Date(2025, 1, 1)].sort(compareAsc).map(d => d.getFullYear())",
    "const { format } = require('date-fns/format'); return format(new Date(2024, 0, 1), 'QQQ yyyy')",
    "const { format } = require('date-fns'); return format(new Date(2024, 0, 1), 'bad token ww')",
    "const { formatInTimeZone } = require('date-fns-tz'); return formatInTimeZone(new Date(input.ts), 'Asia/Shanghai', 'yyyy-MM-dd HH:mm:ssXXX')",
    "const { formatInTimeZone } = require('date-fns-tz'); return formatInTimeZone(new Date('2024-07-01T12:00:00Z'), 'America/New_York', 'yyyy-MM-dd HH:mm zzz')",
    "const { toZonedTime, format } = require('date-fns-tz'); return format(toZonedTime(new Date('2024-03-01T20:00:00Z'), 'Asia/Tokyo'), 'yyyy-MM-dd HH:mm', { timeZone: 'Asia/Tokyo' })",
    "const { fromZonedTime } = require('date-fns-tz'); return fromZonedTime('2024-03-01 08:00:00', 'Asia/Shanghai').toISOString()",
    "const { getTimezoneOffset } = require('date-fns-tz'); return getTimezoneOffset('Asia/Shanghai') / 3600000",
]

XML = [
    "const { XMLParser } = require('fast-xml-parser'); return new XMLParser().parse('<root><a>1</a><a>2</a><b x=\"y\">t</b></root>')",
    "const { XMLParser } = require('fast-xml-parser'); return new XMLParser({ ignoreAttributes: false }).parse('<root><b x=\"y\" n=\"3\">t</b></root>')",
    "const { XMLParser } = require('fast-xml-parser'); return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' , parseAttributeValue: true }).parse('<r a=\"1\" b=\"true\"/>')",
    "const { XMLParser } = require('fast-xml-parser'); return new XMLParser({ isArray: (name) => name === 'item' }).parse('<list><item>1</item></list>')",
    "const { XMLParser } = require('fast-xml-parser'); return new XMLParser({ parseTagValue: false }).parse('<r><n>007</n></r>')",
    "const { XMLParser } = require('fast-xml-parser'); return new XMLParser().parse('<?xml version=\"1.0\"?><r><![CDATA[<x>]]></r>')",
    "const { XMLParser } = require('fast-xml-parser'); return new XMLParser({ preserveOrder: true }).parse('<r><a>1</a><b>2</b></r>')",
    "const { XMLBuilder } = require('fast-xml-parser'); return new XMLBuilder().build({ root: { a: 1, b: ['x', 'y'] } })",
    "const { XMLBuilder } = require('fast-xml-parser'); return new XMLBuilder({ ignoreAttributes: false, format: true }).build({ r: { '@_id': 5, v: 'text' } })",
    "const { XMLValidator } = require('fast-xml-parser'); return XMLValidator.validate('<a><b></a>')",
    "const { XMLValidator } = require('fast-xml-parser'); return XMLValidator.validate('<a><b/></a>')",
    "const { XMLParser, XMLBuilder } = require('fast-xml-parser'); const o = new XMLParser().parse('<r><n>中文</n></r>'); return new XMLBuilder().build(o)",
    "const { XMLParser } = require('fast-xml-parser'); return new XMLParser({ removeNSPrefix: true }).parse('<s:Envelope xmlns:s=\"u\"><s:Body>1</s:Body></s:Envelope>')",
]

ESM = [
    "import _ from 'lodash';\nreturn _.sum([1, 2, 3]);",
    "import { sum, max } from 'lodash';\nreturn [sum([1, 2]), max([3, 9, 4])];",
    "import * as qs from 'qs';\nreturn qs.stringify({ a: 1 });",
    "import { v5 as uuidv5, validate } from 'uuid';\nconst id = uuidv5('x', uuidv5.URL);\nreturn [id, validate(id)];",
    "import dayjs from 'dayjs';\nimport utc from 'dayjs/plugin/utc';\ndayjs.extend(utc);\nreturn dayjs.utc('2024-01-01').format();",
    "import CryptoJS from 'crypto-js';\nreturn CryptoJS.SHA256('esm').toString();",
    "import { XMLParser } from 'fast-xml-parser';\nreturn new XMLParser().parse('<a>1</a>');",
    "import { format, addDays } from 'date-fns';\nreturn format(addDays(new Date(2024, 0, 1), 1), 'yyyy-MM-dd');",
    "const { default: dayjs } = await import('dayjs');\nreturn dayjs('2024-05-05').format('DD/MM');",
    "const _ = (await import('lodash')).default;\nreturn _.chunk([1, 2, 3], 2);",
    "import _, { chunk } from 'lodash';\nreturn [_.isArray([]), chunk([1, 2, 3], 2)];",
    "import 'dayjs';\nreturn 'side effect import';",
]

WORKFLOW = [
    # group and sort records
    "const _ = require('lodash');\nconst byCustomer = _.groupBy(input.orders, 'customer');\n"
    "return _.orderBy(Object.entries(byCustomer).map(([name, os]) => ({ name, total: _.sumBy(os, 'amount'), count: os.length })), ['total'], ['desc']);",
    # format dates in Asia/Shanghai
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/utc')); dayjs.extend(require('dayjs/plugin/timezone'));\n"
    "return input.orders.map(o => ({ id: o.id, local: dayjs(o.at).tz('Asia/Shanghai').format('YYYY-MM-DD HH:mm'), day: dayjs(o.at).tz('Asia/Shanghai').format('dddd') }));",
    # build a query string for an API call
    "const qs = require('qs');\nconst params = { filter: { city: ['上海', '北京'], min: 50 }, page: 2, sort: '-amount' };\n"
    "return 'https://api.example.com/orders?' + qs.stringify(params, { encodeValuesOnly: true });",
    # sign a request
    "const CryptoJS = require('crypto-js');\nconst body = JSON.stringify({ ids: input.orders.map(o => o.id) });\n"
    "const ts = '1709284500';\nreturn { signature: CryptoJS.HmacSHA256(ts + body, 'app-secret').toString(CryptoJS.enc.Hex), ts };",
    # XML to JSON report
    "const { XMLParser } = require('fast-xml-parser');\nconst xml = '<orders>' + input.orders.map(o => `<order id=\"${o.id}\"><amount>${o.amount}</amount></order>`).join('') + '</orders>';\n"
    "const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);\nreturn doc.orders.order.map(o => ({ id: o['@_id'], amount: o.amount }));",
    # monthly totals with date-fns
    "const { format, parseISO } = require('date-fns');\nconst _ = require('lodash');\n"
    "return _.mapValues(_.groupBy(input.orders, o => format(parseISO(o.at), 'yyyy-MM')), os => _.sumBy(os, 'amount'));",
    # errors from modules
    "const dayjs = require('dayjs');\nreturn dayjs.extend(null);",
    "const _ = require('lodash');\nreturn _.chunk(null, 2).concat(_.nope());",
]

# Where the service deliberately differs from Node, with the reason. Checked too:
# the service's own outcome is asserted.
KNOWN_DIFFERENCES = {
    "const _ = require('lodash'); return _.template('Hi <%= name %>!')({ name: 'Ann' })":
        ("SecurityError", "_.template compiles with Function(): code generation from strings is disabled"),
    "import { sum, max } from 'lodash';\nreturn [sum([1, 2]), max([3, 9, 4])];":
        (None, "Node's ESM loader cannot see lodash's named exports (CommonJS); the service resolves them"),
    "import _, { chunk } from 'lodash';\nreturn [_.isArray([]), chunk([1, 2, 3], 2)];":
        (None, "as above"),
    "import dayjs from 'dayjs';\nimport utc from 'dayjs/plugin/utc';\ndayjs.extend(utc);\nreturn dayjs.utc('2024-01-01').format();":
        (None, "Node's ESM loader needs 'dayjs/plugin/utc.js' (no exports map); the service accepts the usual form"),
}

X = "const XLSX = require('xlsx');\n"
BOOK = X + ("const wb = XLSX.utils.book_new();\n"
            "const ws = XLSX.utils.json_to_sheet(input.orders.map(o => ({ id: o.id, customer: o.customer, amount: o.amount })));\n"
            "XLSX.utils.book_append_sheet(wb, ws, 'Orders');\n")
XLSX_CASES = [
    X + "return XLSX.utils.aoa_to_sheet([['a', 'b'], [1, 2], [true, null]])",
    X + "return XLSX.utils.json_to_sheet([{ x: 1, y: 'two' }, { x: 3, z: false }])",
    X + "return XLSX.utils.sheet_to_csv(XLSX.utils.aoa_to_sheet([['name', 'qty'], ['苹果', 3], ['a,b', 4.5]]))",
    X + "return XLSX.utils.sheet_to_json(XLSX.utils.aoa_to_sheet([['name', 'qty'], ['a', 1], ['b', 2]]))",
    X + "return XLSX.utils.sheet_to_json(XLSX.utils.aoa_to_sheet([['name', 'qty'], ['a', 1]]), { header: 1 })",
    X + "return XLSX.utils.sheet_to_json(XLSX.utils.aoa_to_sheet([['k', 'v'], ['a', null], ['b', 2]]), { defval: '' })",
    X + "const ws = XLSX.utils.aoa_to_sheet([[1, 2], [3, 4]]); return [ws['!ref'], XLSX.utils.decode_range(ws['!ref']), XLSX.utils.encode_cell({ r: 1, c: 1 })]",
    X + "return XLSX.utils.sheet_to_html(XLSX.utils.aoa_to_sheet([['x']])).includes('<table')",
    X + "return XLSX.utils.sheet_to_txt(XLSX.utils.aoa_to_sheet([['a', 'b'], [1, 2]]))",
    BOOK + "return [wb.SheetNames, XLSX.utils.sheet_to_csv(wb.Sheets.Orders)]",
    BOOK + "const buf = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' });\n"
    "const back = XLSX.read(buf, { type: 'buffer' }); return [Buffer.isBuffer(buf), back.SheetNames, XLSX.utils.sheet_to_json(back.Sheets.Orders)]",
    BOOK + "const b64 = XLSX.write(wb, { type: 'base64', bookType: 'xlsx' });\n"
    "return XLSX.utils.sheet_to_json(XLSX.read(b64, { type: 'base64' }).Sheets.Orders, { header: 1 })",
    BOOK + "const arr = XLSX.write(wb, { type: 'array', bookType: 'xlsx' });\n"
    "return [arr instanceof ArrayBuffer, XLSX.read(new Uint8Array(arr), { type: 'array' }).SheetNames]",
    BOOK + "const csv = XLSX.write(wb, { type: 'string', bookType: 'csv' }); return csv",
    X + "const ws = XLSX.utils.aoa_to_sheet([[1], [2]]); ws['A3'] = { t: 'n', f: 'SUM(A1:A2)' }; ws['!ref'] = 'A1:A3';\n"
    "const wb = XLSX.utils.book_new(); XLSX.utils.book_append_sheet(wb, ws, 'S');\n"
    "const back = XLSX.read(XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }), { type: 'buffer', cellFormula: true });\n"
    "return [back.Sheets.S.A3.f, back.Sheets.S.A1.v]",
    X + "const ws = XLSX.utils.aoa_to_sheet([[new Date(Date.UTC(2024, 0, 2, 12))]], { cellDates: true });\n"
    "const wb = XLSX.utils.book_new(); XLSX.utils.book_append_sheet(wb, ws, 'D');\n"
    "const back = XLSX.read(XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }), { type: 'buffer', cellDates: true });\n"
    "return [back.Sheets.D.A1.t, back.Sheets.D.A1.v instanceof Date, typeof back.Sheets.D.A1.w]",
    X + "const ws = XLSX.utils.aoa_to_sheet([[45000.5]]); ws.A1.z = 'yyyy-mm-dd hh:mm'; return XLSX.utils.format_cell(ws.A1)",
    X + "return XLSX.SSF.format('0.00%', 0.256)",
    X + "return XLSX.utils.sheet_add_aoa(XLSX.utils.aoa_to_sheet([['a']]), [['b', 'c']], { origin: 'A2' })",
    X + "const wb = XLSX.utils.book_new(); XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([[1]]), 'A'); XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([[2]]), 'B');\n"
    "const back = XLSX.read(XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' })); return back.SheetNames",
    X + "return XLSX.read('not a spreadsheet', { type: 'base64' }).SheetNames",
    X + "return Object.keys(XLSX.utils).filter(k => ['sheet_to_json', 'json_to_sheet', 'aoa_to_sheet', 'book_new', 'book_append_sheet', 'sheet_to_csv'].includes(k)).sort()",
    X + "const wb = XLSX.utils.book_new(); XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([[1]]), 'Same'); XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([[1]]), 'Same'); return 1",
]

P = "const pinyin = require('pinyin').default;\n"
PINYIN_CASES = [
    P + "return pinyin('中心')",
    P + "return pinyin('中心', { style: pinyin.STYLE_NORMAL })",
    P + "return pinyin('中心', { style: pinyin.STYLE_TONE2 })",
    P + "return pinyin('中心', { style: pinyin.STYLE_TO3NE })",
    P + "return pinyin('中心', { style: pinyin.STYLE_INITIALS })",
    P + "return pinyin('中心', { style: pinyin.STYLE_FIRST_LETTER })",
    P + "return pinyin('中心', { style: pinyin.STYLE_PASSPORT })",
    P + "return pinyin('重庆', { heteronym: true })",
    P + "return pinyin('重庆银行', { heteronym: true, segment: true })",
    P + "return pinyin('我喜欢你', { segment: true })",
    P + "return pinyin('我喜欢你', { segment: true, group: true })",
    P + "return pinyin('单于', { mode: pinyin.MODE_SURNAME })",
    P + "return pinyin('欧阳修', { mode: pinyin.MODE_SURNAME, style: pinyin.STYLE_NORMAL })",
    P + "return pinyin('司马光', { mode: pinyin.MODE_SURNAME })",
    P + "return pinyin('曾小明', { mode: pinyin.MODE_SURNAME, style: pinyin.STYLE_NORMAL })",
    P + "return pinyin('Hello 世界 123')",
    P + "return pinyin('')",
    P + "return pinyin('张三李四', { style: pinyin.STYLE_FIRST_LETTER }).map(x => x[0]).join('').toUpperCase()",
    P + "return ['张三', '李四', '王五', '阿凡'].sort(pinyin.compare)",
    P + "return pinyin.compact(pinyin('中心', { heteronym: true }))",
    P + "return pinyin('银行', { heteronym: true, style: pinyin.STYLE_NORMAL })",
    P + "return pinyin('旅行', { style: pinyin.STYLE_TONE2 })",
    P + "return input.orders.map(o => pinyin(o.customer, { style: pinyin.STYLE_FIRST_LETTER }).flat().join(''))",
    P + "return [pinyin.STYLE_NORMAL, pinyin.STYLE_TONE, pinyin.STYLE_TONE2, pinyin.STYLE_TO3NE, pinyin.STYLE_INITIALS, pinyin.STYLE_FIRST_LETTER, pinyin.STYLE_PASSPORT, pinyin.MODE_NORMAL, pinyin.MODE_SURNAME]",
]

F = "const FormData = require('form-data');\nconst f = new FormData(); f.setBoundary('BOUNDARY');\n"
FORM_DATA = [
    F + "f.append('a', 'x'); f.append('n', 5); return f.getBuffer().toString('latin1')",
    F + "f.append('file', Buffer.from('hello'), { filename: 'a.txt' }); return f.getBuffer().toString('latin1')",
    F + "f.append('file', Buffer.from('{}'), 'data.json'); return f.getBuffer().toString('latin1')",
    F + "f.append('bin', Buffer.from([0, 1, 255])); return f.getBuffer().toString('base64')",
    F + "f.append('c', 'y', { contentType: 'text/csv' }); return f.getBuffer().toString('latin1')",
    F + "f.append('img', Buffer.from('x'), { filename: 'dir/pic.PNG' }); return f.getBuffer().toString('latin1')",
    F + "f.append('doc', Buffer.from('x'), { filename: 'report.xlsx' }); return f.getBuffer().toString('latin1')",
    FD_TYPED := F + "f.append('u', new Uint8Array([65, 66])); return f.getBuffer().toString('latin1')",
    F + "f.append('名字', '张三'); return f.getBuffer().toString('utf8')",
    F + "f.append('a', 'x'); return [f.getHeaders(), f.getHeaders({ 'X-Trace': 'abc', Authorization: 'Bearer t' })]",
    F + "f.append('a', 'x'); f.append('file', Buffer.from('12345'), 'f.txt'); return [f.getLengthSync(), f.hasKnownLength(), f.getBoundary()]",
    F + "return f.getBuffer().toString()",
    F + "f.append('arr', [1, 2]); return 1",
    "const FormData = require('form-data'); const b = new FormData().getBoundary(); return [b.length, /^-{26}[0-9a-f]{24}$/.test(b)]",
    "const FormData = require('form-data'); const f = new FormData(); f.append('x', '1'); return f.getHeaders()['content-type'].startsWith('multipart/form-data; boundary=--------------------------')",
]

DAYJS_FORMATS = ["YYYY-MM-DD", "YY M D", "MMMM Do YYYY", "ddd, DD MMM YYYY HH:mm:ss", "h:mm A", "hh:mm:ss a", "[Q]Q-YYYY",
                 "dddd", "SSS", "Z ZZ", "X x", "wo [week]", "DD/MM/YYYY HH:mm"]
GENERATED = [
    "const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/advancedFormat')); dayjs.extend(require('dayjs/plugin/weekOfYear'));\n"
    f"dayjs.extend(require('dayjs/plugin/utc'));\nreturn ['2024-01-01T00:00:00Z', '2024-02-29T13:45:07.089Z', '2023-12-31T23:59:59Z'].map(d => dayjs.utc(d).format({fmt!r}))"
    for fmt in DAYJS_FORMATS
] + [
    f"const _ = require('lodash'); return ['hello world', 'Foo-Bar_baz', '  padded  ', 'ÀÉÎ çà', 'camelCaseString', ''].map(_.{fn})"
    for fn in ("camelCase", "kebabCase", "snakeCase", "startCase", "upperFirst", "lowerFirst", "capitalize", "deburr",
               "trim", "words", "escapeRegExp", "toUpper")
] + [
    f"const qs = require('qs'); return qs.stringify({{ a: [1, 2], b: {{ c: [{{ d: 'e' }}] }}, s: 'x y&z' }}, {opts})"
    for opts in ("{}", "{ arrayFormat: 'indices' }", "{ arrayFormat: 'brackets' }", "{ arrayFormat: 'repeat' }",
                 "{ arrayFormat: 'comma' }", "{ allowDots: true }", "{ encode: false }", "{ encodeValuesOnly: true }",
                 "{ format: 'RFC1738' }", "{ skipNulls: true }", "{ addQueryPrefix: true, delimiter: ';' }")
] + [
    f"const {{ {fn} }} = require('date-fns'); return {fn}(new Date(2024, 1, 29, 13, 45), {arg}).toISOString ? {fn}(new Date(2024, 1, 29, 13, 45), {arg}).toISOString() : {fn}(new Date(2024, 1, 29, 13, 45), {arg})"
    for fn, arg in (("addDays", 1), ("addMonths", 12), ("subYears", 1), ("addHours", 30), ("setDate", 31), ("addWeeks", -2),
                    ("differenceInCalendarDays", "new Date(2024, 0, 1)"), ("isSameMonth", "new Date(2024, 1, 1)"),
                    ("differenceInMonths", "new Date(2023, 1, 28)"), ("max", None))
    if arg is not None
] + [
    f"const CryptoJS = require('crypto-js'); return CryptoJS.{alg}({text!r}).toString(CryptoJS.enc.{enc})"
    for alg in ("MD5", "SHA1", "SHA256", "SHA512") for text in ("", "中文") for enc in ("Hex", "Base64")
]

KNOWN_DIFFERENCES[FD_TYPED] = (
    None, "npm form-data needs a Buffer or stream ('source.on is not a function'); the service takes typed arrays")

ALL = (LODASH + QS + UUID + CRYPTO_JS + DAYJS + DATE_FNS + XML + ESM + WORKFLOW + XLSX_CASES + PINYIN_CASES + FORM_DATA
       + GENERATED)


GROUPS = (("lodash", LODASH), ("qs", QS), ("uuid", UUID), ("crypto-js", CRYPTO_JS), ("dayjs", DAYJS),
          ("date-fns", DATE_FNS), ("fast-xml-parser", XML), ("esm", ESM), ("workflow", WORKFLOW),
          ("xlsx", XLSX_CASES), ("pinyin", PINYIN_CASES), ("form-data", FORM_DATA),
          ("generated", GENERATED))


@pytest.fixture(scope="module")
def node_outcomes() -> list[dict[str, Any]]:
    return run_in_node([{"code": code, "input": INPUT} for code in ALL])


@pytest.mark.parametrize("index", range(len(ALL)), ids=case_ids(ALL, GROUPS))
def test_module_matches_node(cb: CodeBlockClient, node_outcomes: list[dict[str, Any]], index: int) -> None:
    code = ALL[index]
    expected = node_outcomes[index]
    status, body = cb.run(code, INPUT)
    if code in KNOWN_DIFFERENCES:
        error_type, _reason = KNOWN_DIFFERENCES[code]
        assert expected["ok"] != (error_type is None), "Node now agrees: remove this known difference"
        if error_type is None:
            assert status == 200, body
        else:
            assert body["error"]["type"] == error_type, body
        return
    assert_matches_node(code, status, body, expected)


def test_enough_cases() -> None:
    assert len(ALL) >= 300, len(ALL)
