import { keccak_256 } from '@noble/hashes/sha3.js';
import { keccak256 } from '../primitives/keccak.js';
import type { Account } from '../model/shapes.js';
import { bytesToHex } from '../primitives/hex.js';

/**
 * Digests of what a request asks for, in its domain form, so that the same content
 * sent as JSON or msgpack, or with different hex spellings, digests the same: a block
 * re-posted with the same digest is a replay, with another one a conflict.
 */
export function canonical(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, k: string, v: unknown) {
    // A Buffer's toJSON runs before this: take the value it was called on.
    if (this[k] instanceof Uint8Array) return bytesToHex(this[k] as Uint8Array);
    if (typeof v === 'bigint') return `0x${v.toString(16)}`;
    if (v instanceof Uint8Array) return bytesToHex(v);
    if (v instanceof Map) return [...v.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return v;
  });
}

export function digestOf(value: unknown): Uint8Array {
  return keccak256(new TextEncoder().encode(canonical(value)));
}

/** A genesis: its parameters, then every account in address order (any number of them, one at a time). */
export function genesisDigest(params: unknown, alloc: Iterable<[string, Account]>): Uint8Array {
  // An incremental hash of its own: the alloc's iterator may hash too, which the shared
  // instance behind keccak256 (primitives/keccak.ts) cannot be held open across.
  const h = keccak_256.create();
  const enc = new TextEncoder();
  h.update(enc.encode(canonical(params)));
  for (const [addr, a] of alloc) h.update(enc.encode(canonical([addr, a])));
  return h.digest();
}
