import type { Database } from 'lmdb';

/**
 * Large values (a block's record, some 1.5 MB for 1,000 transactions, and its reverse
 * diff, some 200 KB) stored as a run of small ones. LMDB keeps a value larger than about
 * half a page on overflow pages, which must be contiguous. On the benchmark's store fresh
 * from its million-account genesis, the block's transaction took 93-569 ms to commit with
 * whole records (median 196, blocks 2-31) and 35-405 ms in pieces (median 98); over 100
 * blocks the commit phase fell from 258 to 227 ms a block (mean, first 50 blocks) and from
 * 182 to 178 ms (last 50): bench/results/2026-12-06-lavapipe-chunked-records/README.md.
 *
 * A value under key K is kept under K ‖ u32 index, in order, each piece at most
 * CHUNK_BYTES. A store written before keeps such values whole, under K itself: reading
 * concatenates whatever lies from K up to K's last chunk, which is the whole value in
 * either form, and removing removes every key there.
 */
export const CHUNK_BYTES = 1_900;

/** A table of binary keys and values (the store's every table but meta). */
export type Bin = Database<Uint8Array, Buffer>;

/** The [key, value] pairs that store `value` under `key`. */
export function chunks(key: Uint8Array, value: Uint8Array): [Buffer, Uint8Array][] {
  const out: [Buffer, Uint8Array][] = [];
  for (let at = 0, i = 0; at < value.length || i === 0; at += CHUNK_BYTES, i++) {
    const k = Buffer.alloc(key.length + 4);
    k.set(key);
    k.writeUInt32BE(i, key.length);
    out.push([k, value.subarray(at, at + CHUNK_BYTES)]);
  }
  return out;
}

/** From `key` itself (the older whole form) up to its last chunk. */
function span(key: Uint8Array): { start: Buffer; end: Buffer } {
  return { start: Buffer.from(key), end: Buffer.concat([key, Buffer.alloc(5, 0xff)]) };
}

/** The value stored under `key`, in either form, or undefined. */
export function readChunked(db: Bin, key: Uint8Array): Buffer | undefined {
  const parts: Buffer[] = [];
  // Copied: a range's values may be views lmdb reuses.
  for (const { value } of db.getRange(span(key))) parts.push(Buffer.from(value));
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** Every key that holds part of the value under `key`. */
export function chunkKeys(db: Bin, key: Uint8Array): Buffer[] {
  return [...db.getKeys(span(key))].map((k) => Buffer.from(k));
}

export function hasChunked(db: Bin, key: Uint8Array): boolean {
  return db.getKeysCount({ ...span(key), limit: 1 }) > 0;
}
