'use strict';
// The crypto module's one source of random bytes: the global crypto's getRandomValues
// as installed by the bootstrap (js/lib/internal/random.js, keyed afresh from host
// entropy for every execution), captured when the bundle is installed, between
// executions, so a code block that replaces globalThis.crypto changes nothing here.

const webCrypto = globalThis.crypto;
const getRandomValuesOriginal = webCrypto.getRandomValues;

// Fills a Uint8Array, 65536 bytes at a time (the most getRandomValues takes).
function fill(bytes) {
  if (bytes.length <= 65536) return getRandomValuesOriginal.call(webCrypto, bytes);
  for (let i = 0; i < bytes.length; i += 65536) {
    getRandomValuesOriginal.call(webCrypto, bytes.subarray(i, Math.min(i + 65536, bytes.length)));
  }
  return bytes;
}

// noble's RNG signature: n fresh bytes.
function randomBytes(length = 32) { return fill(new Uint8Array(length)); }

export { fill, getRandomValuesOriginal, randomBytes, webCrypto };
