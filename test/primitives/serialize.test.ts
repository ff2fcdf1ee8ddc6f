import { deserialize, serialize as v8serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { serialize } from '../../src/primitives/serialize.js';

/** src/primitives/serialize.ts writes v8.serialize's bytes, only faster for byte arrays. */
describe('serialize', () => {
  const pooled = Buffer.from('0102030405', 'hex');
  const backing = new Uint8Array(64).map((_, i) => i);
  const value = {
    n: 7n,
    big: 2n ** 255n + 3n,
    s: 'text',
    plain: new Uint8Array([1, 2, 3]),
    empty: new Uint8Array(0),
    // A view into a larger buffer: only its own bytes are written, not the buffer's.
    view: backing.subarray(10, 30),
    buffer: pooled,
    bufferView: pooled.subarray(1, 3),
    words: new Uint32Array([1, 2, 3]),
    bigs: new BigUint64Array([5n]),
    data: new DataView(backing.buffer, 4, 8),
    map: new Map<bigint, Uint8Array>([[1n, new Uint8Array([9])], [2n, backing.subarray(0, 2)]]),
    list: [null, undefined, 1.5, { deep: [new Uint8Array(32).fill(0xee)] }],
  };

  it('writes the same bytes as v8.serialize', () => {
    expect(Buffer.compare(serialize(value), v8serialize(value))).toBe(0);
  });

  it('reads back with v8.deserialize: the same values and the same kinds of array', () => {
    const back = deserialize(serialize(value)) as typeof value;
    expect(back).toEqual(value);
    expect(back.plain.constructor).toBe(Uint8Array);
    expect(Buffer.isBuffer(back.buffer)).toBe(true);
    expect(back.view.byteLength).toBe(20);
  });
});
