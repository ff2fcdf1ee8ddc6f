import type { Hex, WireBatch } from '../model/shapes.js';
import { bytesToHex } from '../primitives/hex.js';
import { keccak256 } from '../primitives/keccak.js';

/**
 * A batch's canonical bytes and their hash, which names it everywhere in the queue: the
 * message ID (JetStream drops a second publication of the same ID within its
 * duplicate window, so a retried request is not queued twice), the result's key, and
 * `GET /v1/results/{batchHash}`. The bytes are the batch's JSON wire form with every
 * object's keys sorted, so a JSON body and a msgpack body of the same batch (which
 * parse to the same wire form), or two clients that order fields differently, name
 * the same batch.
 */
export interface BatchKey {
  bytes: Uint8Array;
  hash: Hex;
}

export function batchKey(wire: WireBatch): BatchKey {
  const bytes = Buffer.from(canonicalJson(wire), 'utf8');
  return { bytes, hash: bytesToHex(keccak256(bytes)) };
}

/** JSON with sorted keys; the wire form holds only strings, numbers, booleans, arrays and plain objects. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A batch hash as a path or key names it: 0x and 64 lowercase hex digits. */
export function isBatchHash(s: string): s is Hex {
  return /^0x[0-9a-f]{64}$/.test(s);
}
