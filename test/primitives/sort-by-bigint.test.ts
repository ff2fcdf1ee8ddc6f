import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sortByBigintKey } from '../../src/primitives/sort-by-bigint.js';

const word = () => BigInt('0x' + randomBytes(32).toString('hex'));
const byComparator = (pairs: [bigint, bigint][]) => [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

describe('sortByBigintKey', () => {
  it('sorts random 256-bit keys as a bigint comparator does, keeping each pair', () => {
    const pairs = Array.from({ length: 5000 }, (_, i): [bigint, bigint] => [word(), BigInt(i)]);
    const got = sortByBigintKey(pairs);
    expect(got).toEqual(byComparator(pairs));
    expect(new Set(got)).toEqual(new Set(pairs));
  });

  it('orders keys that round to the same double (sequential slots above 2^53)', () => {
    const base = word() | (1n << 255n);
    const pairs: [bigint, bigint][] = [];
    for (let i = 0; i < 300; i++) pairs.push([base + BigInt((i * 7919) % 300), BigInt(i)]);
    for (let i = 0; i < 300; i++) pairs.push([word() >> BigInt(i % 256), BigInt(1000 + i)]);
    pairs.push([(1n << 53n) + 1n, 1n], [1n << 53n, 2n], [0n, 3n]);
    expect(sortByBigintKey(pairs)).toEqual(byComparator(pairs));
  });

  it('handles small keys, one pair and none', () => {
    const small: [bigint, bigint][] = [[5n, 1n], [0n, 2n], [3n, 3n], [2n ** 52n, 4n], [1n, 5n]];
    expect(sortByBigintKey(small).map(([k]) => k)).toEqual([0n, 1n, 3n, 5n, 2n ** 52n]);
    expect(sortByBigintKey([[7n, 7n]])).toEqual([[7n, 7n]]);
    expect(sortByBigintKey([])).toEqual([]);
  });
});
