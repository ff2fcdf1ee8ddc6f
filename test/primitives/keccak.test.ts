import { keccak_256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { keccak256 } from '../../src/primitives/keccak.js';

/** The WebAssembly keccak256 (src/primitives/keccak.ts) against @noble/hashes, the reference digest. */
describe('keccak256', () => {
  const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 17 + (i >> 8)) & 255);

  it('equals noble on every length around the rate (136 bytes) and on long inputs', () => {
    const lengths = [0, 1, 31, 32, 33, 63, 64, 65, 134, 135, 136, 137, 271, 272, 273, 1000, 4096, 100_003, 1_500_000];
    for (const n of lengths) expect(Buffer.from(keccak256(bytes(n, n))).toString('hex'), `length ${n}`).toBe(Buffer.from(keccak_256(bytes(n, n))).toString('hex'));
  });

  it('hashes a view as its own bytes, not its buffer', () => {
    const whole = bytes(10_000, 3);
    for (const [at, n] of [[1, 135], [7, 136], [4095, 1000], [9_000, 1000]]) {
      const view = whole.subarray(at, at + n);
      expect(keccak256(view)).toEqual(keccak_256(view));
    }
  });

  it('gives each digest 32 bytes of its own, which later hashes leave alone', () => {
    const a = keccak256(bytes(40, 1));
    const copy = a.slice();
    const b = keccak256(bytes(40, 2));
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(32);
    expect(a).toEqual(copy);
    expect(b).not.toEqual(a);
  });
});
