import { bytesToHex, type Hex } from './hex.js';

const made = new WeakMap<Uint8Array, Hex>();

/**
 * bytesToHex, made once per array: for arrays never written after they are made, such
 * as the addresses of a GPU frame's result (every storage read of an account shares its
 * array) and accounts' code hashes. Validation and the rerun sweep look those up on
 * every commit and every wave; a new string each time cost a conversion, and a hash
 * of its own in every Map it keyed. Never for an array that may still be written.
 */
export function hexOf(bytes: Uint8Array): Hex {
  let h = made.get(bytes);
  if (h === undefined) made.set(bytes, (h = bytesToHex(bytes)));
  return h;
}
