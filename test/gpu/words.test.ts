import { describe, expect, it } from 'vitest';
import { getU256, putU256 } from '../../src/gpu/words.js';

// The limb-by-limb definition the fast paths must agree with.
const limbs = (v: bigint) => Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(32 * i)) & 0xffffffffn));

describe('u256 limbs', () => {
  const edges = [0n, 1n, 0xffffffffn, 1n << 32n, (1n << 53n) - 1n, 1n << 53n, (1n << 64n) - 1n, 1n << 64n, 1n << 255n, (1n << 256n) - 1n];
  let seed = 0x2026n;
  const random = (bits: bigint) => {
    let v = 0n;
    for (let k = 0n; k < bits; k += 32n) {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      v = (v << 32n) | (seed >> 32n);
    }
    return v & ((1n << bits) - 1n);
  };
  const values = [...edges, ...[8n, 33n, 52n, 53n, 54n, 64n, 65n, 160n, 256n].flatMap((bits) => Array.from({ length: 50 }, () => random(bits)))];

  it('putU256 writes every value as its eight little-endian limbs, over stale words', () => {
    for (const v of values) {
      const words = new Uint32Array(10).fill(0xdeadbeef);
      putU256(words, 1, v);
      expect([...words.subarray(1, 9)], `${v}`).toEqual(limbs(v));
      expect([words[0], words[9]]).toEqual([0xdeadbeef, 0xdeadbeef]);
    }
  });

  it('getU256 reads back what putU256 wrote', () => {
    for (const v of values) {
      const words = new Uint32Array(9);
      words.set(limbs(v), 1);
      expect(getU256(words, 1)).toBe(v);
    }
  });

  it('putU256 refuses values outside [0, 2^256)', () => {
    expect(() => putU256(new Uint32Array(8), 0, -1n, 'x')).toThrow(/x out of 256-bit range/);
    expect(() => putU256(new Uint32Array(8), 0, 1n << 256n)).toThrow(RangeError);
  });
});
