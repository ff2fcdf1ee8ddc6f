import { KECCAK256_NULL } from '@ethereumjs/util';
import { keccak256 } from './keccak.js';

/**
 * keccak256 of a code, kept by the code array's identity. A batch's accounts that share
 * code share one array (wire/parse.ts), and the world state keeps that array across
 * writes, so the world state, the program cache and whatever else needs a code's hash
 * hash each code once between them. Callers never write into a code array.
 */
const hashes = new WeakMap<Uint8Array, Uint8Array>();

export function codeHash(code: Uint8Array): Uint8Array {
  if (code.length === 0) return KECCAK256_NULL;
  let h = hashes.get(code);
  if (!h) hashes.set(code, (h = keccak256(code)));
  return h;
}
