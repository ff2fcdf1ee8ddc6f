import { describe, expect, it } from 'vitest';
import { hexOf } from '../../src/primitives/hex-of.js';
import { bytesToHex } from '../../src/primitives/hex.js';

describe('hexOf', () => {
  it('is bytesToHex, one string per array', () => {
    const a = Uint8Array.from({ length: 20 }, (_, i) => i * 13);
    const b = a.slice();
    expect(hexOf(a)).toBe(bytesToHex(a));
    expect(hexOf(a)).toBe(hexOf(a));
    expect(hexOf(b)).toBe(bytesToHex(a));
    expect(hexOf(new Uint8Array(0))).toBe('0x');
    // A view of part of a buffer: its own bytes only.
    expect(hexOf(a.subarray(18))).toBe(`0x${Buffer.from(a.subarray(18)).toString('hex')}`);
  });
});
