'use strict';
// require('pinyin'): the npm pinyin v4 package with the API Flow-CodeBlock clients
// use: the module itself is callable, and also has .pinyin and .default, the
// STYLE_* and MODE_* constants, compare and compact.

import * as pinyinModule from 'pinyin';

const pinyin = pinyinModule.default?.default ?? pinyinModule.default ?? pinyinModule.pinyin;

function callable(...args) { return pinyin(...args); }
for (const key of Object.keys(pinyin)) callable[key] = pinyin[key];
callable.pinyin = pinyin;
callable.default = pinyin;
callable.compare = pinyinModule.compare ?? pinyin.compare;
callable.compact = pinyinModule.compact ?? pinyin.compact;
if (pinyinModule.Pinyin) callable.Pinyin = pinyinModule.Pinyin;

export default callable;
