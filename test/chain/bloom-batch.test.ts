import { keccak_256 } from '@noble/hashes/sha3.js';
import { Bloom } from '@ethereumjs/vm';
import { describe, expect, it } from 'vitest';
import { BloomBatch, dedupe } from '../../src/chain/bloom-batch.js';
import type { BatchHasher } from '../../src/chain/hasher.js';
import { xorshift32 } from '../support/xorshift.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function ethereumjsBloom(logs: [Uint8Array, Uint8Array[], Uint8Array][]): string {
  const want = new Bloom();
  for (const [a, topics] of logs) {
    want.add(a);
    for (const t of topics) want.add(t);
  }
  return hex(want.bitvector);
}

describe('BloomBatch (receipts blooms in one batch of hashes)', () => {
  // Blooms are views cut from slabs of 16, 32, ... 256 blooms: 10,000 of them span 43 slabs, none overlaps another.
  it('hands out blooms of 256 bytes that do not overlap, across slabs, each filled as ethereumjs Bloom fills it', async () => {
    const r = xorshift32(19);
    const cases = Array.from({ length: 10_000 }, (_, i) =>
      i % 7 === 0 ? [] : [[r.bytes(20), [r.bytes(32)], r.bytes(1)] as [Uint8Array, Uint8Array[], Uint8Array]],
    );
    const batch = new BloomBatch();
    const blooms = cases.map((logs) => batch.defer(logs));
    await batch.fill(async (inputs) => inputs.map((x) => keccak_256(x)));
    expect(blooms.every((b) => b.length === 256)).toBe(true);
    expect(blooms.map(hex)).toEqual(cases.map(ethereumjsBloom));
  });

  it('hashes each distinct address and topic once, and fills every bloom as ethereumjs Bloom does', async () => {
    const r = xorshift32(17);
    const token = r.bytes(20);
    const transfer = r.bytes(32);
    // Items as views into one larger buffer too: the content is what counts, not the array.
    const pool = r.bytes(32 * 40);
    const view = (k: number) => pool.subarray(32 * k, 32 * k + 32);
    const cases = Array.from({ length: 60 }, (_, i) =>
      Array.from({ length: 1 + r.below(3) }, (): [Uint8Array, Uint8Array[], Uint8Array] => [
        i % 2 === 0 ? token : Uint8Array.from(token),
        [Uint8Array.from(transfer), view(r.below(40)), r.bytes(32)],
        r.bytes(2),
      ]),
    );
    const batch = new BloomBatch();
    const blooms = cases.map((logs) => batch.defer(logs));
    const hashed: Uint8Array[] = [];
    const counting: BatchHasher = async (inputs) => {
      hashed.push(...inputs);
      return inputs.map((x) => keccak_256(x));
    };
    await batch.fill(counting);
    cases.forEach((logs, i) => expect(hex(blooms[i])).toBe(ethereumjsBloom(logs)));
    const distinct = new Set(cases.flatMap((logs) => logs.flatMap(([a, topics]) => [a, ...topics])).map(hex));
    expect(hashed.length).toBe(distinct.size);
    expect(new Set(hashed.map(hex)).size).toBe(distinct.size);
  });

  it('finds each distinct item when fingerprints collide (every one the same)', () => {
    const r = xorshift32(23);
    const values = Array.from({ length: 12 }, (_, i) => r.bytes(i % 3 === 0 ? 20 : 32));
    const items = Array.from({ length: 200 }, () => Uint8Array.from(values[r.below(values.length)]));
    const { distinct, which } = dedupe([{ items: items.slice(0, 90) }, { items: items.slice(90) }], () => 0);
    expect(new Set(distinct.map(hex)).size).toBe(distinct.length);
    expect(distinct.length).toBe(new Set(items.map(hex)).size);
    items.forEach((item, i) => expect(hex(distinct[which[i]])).toBe(hex(item)));
  });

  it('keeps an address and a topic apart when one is a prefix of the other', async () => {
    const topic = new Uint8Array(32).fill(7);
    const address = topic.slice(0, 20);
    const batch = new BloomBatch();
    const bloom = batch.defer([[address, [topic], new Uint8Array(0)]]);
    await batch.fill(async (inputs) => inputs.map((x) => keccak_256(x)));
    expect(hex(bloom)).toBe(ethereumjsBloom([[address, [topic], new Uint8Array(0)]]));
  });
});
