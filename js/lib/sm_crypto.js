'use strict';
// require('sm-crypto-v2'): the npm package (SM2, SM3, SM4, KDF) as Flow-CodeBlock offers
// it, with one change: where its random bytes come from.
//
// The package reads `globalThis.crypto` into its module state when it loads, and again
// whenever sm2.initRNGPool() is called. It loads once per runtime, between executions
// (a shared module, js/lib/internal/modules.js), so what it captures is the bootstrap's
// frozen web crypto, fed from host entropy for every execution (js/lib/internal/random.js),
// as js/lib/crypto/random.js captures it for `crypto`. Its own initRNGPool, called by a
// code block that has replaced globalThis.crypto, would make that code block's generator
// the one every later execution's SM2 keys, signatures and ciphertexts draw from: it is
// not handed out; code blocks get a no-op in its place (the pool is never used where
// globalThis.crypto exists, Node included).
//
// sm-crypto-v2 1.15 is written on @noble/curves 1.x, hashes 1.x and ciphers 1.x, whose
// module layout and API differ from the 2.x versions `crypto` uses: the bundle carries
// its own copies (npm nests them under node_modules/sm-crypto-v2/).

import * as smCrypto from 'sm-crypto-v2';

// The package's initRNGPool is async and resolves to undefined.
async function initRNGPool() {}

const sm2 = { ...smCrypto.sm2, initRNGPool };
// Without the __esModule mark of the package's CommonJS build: `import smCrypto from
// 'sm-crypto-v2'` gives the whole module, as Node's ES module loader gives it.
export default { hkdf: smCrypto.hkdf, kdf: smCrypto.kdf, sm2, sm3: smCrypto.sm3, sm4: { ...smCrypto.sm4 } };
