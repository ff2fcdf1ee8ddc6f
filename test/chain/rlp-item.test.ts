import { RLP } from '@ethereumjs/rlp';
import { describe, expect, it } from 'vitest';
import { encodeItem, type RlpItem } from '../../src/chain/rlp-write.js';

/** encodeItem (src/chain/rlp-write.ts) writes the bytes @ethereumjs/rlp encodes, for any tree of strings and lists. */
describe('encodeItem', () => {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

  it('encodes the edge cases of strings and lists as @ethereumjs/rlp does', () => {
    const cases: RlpItem[] = [
      new Uint8Array(0),
      bytes(1, 0x00),
      bytes(1, 0x7f),
      bytes(1, 0x80),
      bytes(55, 0xaa),
      bytes(56, 0xbb),
      bytes(300, 0xcc),
      bytes(70_000, 0xdd),
      [],
      [[]],
      [new Uint8Array(0), [bytes(1, 5)], [[], [bytes(2, 0x90)]]],
      // A list whose payload is exactly 55 bytes, then 56: the short and long list headers.
      [bytes(54, 1)],
      [bytes(55, 1)],
      Array.from({ length: 300 }, (_, i) => bytes(i % 70, i & 255)),
    ];
    for (const item of cases) expect(hex(encodeItem(item))).toBe(hex(RLP.encode(item)));
  });

  it('matches @ethereumjs/rlp on random trees, with and without a prefix', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const tree = (depth: number): RlpItem => {
      if (depth === 0 || rand(3) === 0) {
        const len = [0, 1, 1, 2, 20, 32, 55, 56, 57, 200, 1100][rand(11)];
        return Uint8Array.from({ length: len }, () => rand(256));
      }
      return Array.from({ length: rand(6) }, () => tree(depth - 1));
    };
    for (let i = 0; i < 500; i++) {
      const item = tree(4);
      expect(hex(encodeItem(item))).toBe(hex(RLP.encode(item)));
      expect(hex(encodeItem(item, [2]))).toBe('02' + hex(RLP.encode(item)));
    }
  });
});
