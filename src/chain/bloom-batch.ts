import type { BatchHasher } from './hasher.js';

/**
 * Log blooms filled in one batch of hashes at the end of a block instead of three
 * keccaks per log as each transaction commits. A receipt's bloom is handed out empty
 * and filled in place by fill(), before anything reads it.
 */
export class BloomBatch {
  private readonly pending: { bloom: Uint8Array; items: Uint8Array[] }[] = [];
  /**
   * Blooms are cut from slabs: an array of its own each was a backing store the heap
   * tracks, 10^5 of them in a 100k-transaction batch. Slabs double from 16 blooms to
   * 256, so that a batch of a few transactions does not hold 64 KiB.
   */
  private slab = new Uint8Array(0);
  private slabUsed = 0;
  private slabs = 0;

  /** An empty bloom for these logs' addresses and topics, filled by fill(). */
  defer(logs: [address: Uint8Array, topics: Uint8Array[], data: Uint8Array][]): Uint8Array {
    if (this.slabUsed === this.slab.length) [this.slab, this.slabUsed] = [new Uint8Array(BLOOM_BYTES * slabBlooms(this.slabs++)), 0];
    const bloom = this.slab.subarray(this.slabUsed, (this.slabUsed += BLOOM_BYTES));
    const items: Uint8Array[] = [];
    for (const [address, topics] of logs) items.push(address, ...topics);
    if (items.length > 0) this.pending.push({ bloom, items });
    return bloom;
  }

  /**
   * A block's logs repeat their addresses and event topics (every Transfer of a token
   * has its address and topic 0): each distinct item is hashed once, which costs less
   * than a hash on the CPU or on a software GPU.
   */
  async fill(hash: BatchHasher): Promise<void> {
    const { distinct, which } = dedupe(this.pending);
    const digests = await hash(distinct);
    let n = 0;
    for (const { bloom, items } of this.pending) {
      for (let i = 0; i < items.length; i++) setBits(bloom, digests[which[n++]]);
    }
    this.pending.length = 0;
  }
}

const BLOOM_BYTES = 256;
/** The n-th slab's blooms: 16, 32, 64, 128, then 256 (counted, not shifted, past that: 16 << 28 is negative in 32 bits). */
function slabBlooms(n: number): number {
  return n >= 4 ? 256 : 16 << n;
}

/**
 * The distinct items, and for each item its index among them. Items are found by a
 * fingerprint of their bytes in an open-addressing table, then compared byte for byte
 * with those that share it: a string key per item (a Buffer's latin1) cost six times as
 * much on 50,000 items, and a Map of fingerprints with a byte-at-a-time FNV-1a took
 * 8-40 ms for 20,000 items (a block with 5,000 logs; 2026-12-07).
 * `fingerprint` is fnv1aWords but in tests, which make every item collide.
 */
export function dedupe(pending: readonly { items: Uint8Array[] }[], fingerprint: (b: Uint8Array) => number = fnv1aWords): { distinct: Uint8Array[]; which: number[] } {
  let total = 0;
  for (const { items } of pending) total += items.length;
  let size = 16;
  while (size < 2 * total) size *= 2;
  const mask = size - 1;
  // Per slot, the distinct item's index, or -1; per distinct item, its fingerprint.
  const table = new Int32Array(size).fill(-1);
  const prints: number[] = [];
  const distinct: Uint8Array[] = [];
  const which: number[] = [];
  for (const { items } of pending) {
    for (const item of items) {
      const h = fingerprint(item);
      let i = h & mask;
      let k = table[i];
      while (k >= 0 && !(prints[k] === h && sameBytes(distinct[k], item))) k = table[(i = (i + 1) & mask)];
      if (k < 0) {
        k = table[i] = distinct.length;
        distinct.push(item);
        prints.push(h);
      }
      which.push(k);
    }
  }
  return { distinct, which };
}

/** FNV-1a over the bytes four at a time (a little-endian word per step), the tail byte by byte. */
function fnv1aWords(b: Uint8Array): number {
  let h = 0x811c9dc5;
  const words = b.length & ~3;
  let i = 0;
  for (; i < words; i += 4) h = Math.imul(h ^ (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)), 0x01000193);
  for (; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  // Mixed down so that the table's low bits depend on every word.
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) & 0x3fffffff;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The yellow paper's M3:2048: three 11-bit indices from the first six bytes of the hash. */
function setBits(bloom: Uint8Array, h: Uint8Array): void {
  for (let i = 0; i < 6; i += 2) {
    const bit = ((h[i] << 8) | h[i + 1]) & 2047;
    bloom[255 - (bit >> 3)] |= 1 << (bit & 7);
  }
}
