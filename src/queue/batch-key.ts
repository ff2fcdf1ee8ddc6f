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

/**
 * JSON with sorted keys. The wire form holds only strings, numbers, booleans, arrays and
 * plain objects. Through JSON.stringify's replacer (each object handed on with its keys in
 * order): twice as fast as building the text by hand (10,000 transfers, 5 MB: 40-46 ms
 * against 90-98).
 */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, sortedKeys);
}

function sortedKeys(_key: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) o[k] = (v as Record<string, unknown>)[k];
  return o;
}

/** A batch hash as a path or key names it: 0x and 64 lowercase hex digits. */
export function isBatchHash(s: string): s is Hex {
  return /^0x[0-9a-f]{64}$/.test(s);
}
