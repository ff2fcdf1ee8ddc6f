import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { StateDiff } from '../../src/model/shapes.js';
import { storedDiff } from '../../src/chain/stored-diff.js';
import { formatDiff, jsonCodec } from '../../src/wire/format.js';

const A = '0x' + '0a'.repeat(20);
const B = '0x' + '0b'.repeat(20);
const slot = (v: bigint) => '0x' + v.toString(16).padStart(64, '0');
const word = (v: bigint) => Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));

describe('storedDiff: block records kept before the diff held slots as numbers', () => {
  it('reads hex-keyed slots of 32-byte values as the Map, in order, with the same wire form', () => {
    // The form block records had on disk: storage as an object of 0x-hex slots to 32-byte values.
    const old = { pre: { [A]: { balance: 1n, storage: { [slot(2n)]: word(9n), [slot(1n << 250n)]: word(3n) } } }, post: { [A]: { storage: { [slot(2n)]: word(10n) } }, [B]: { balance: 5n } } };
    const read = storedDiff(deserialize(serialize(old)) as StateDiff);
    expect(read.pre[A].storage).toEqual(new Map([[2n, 9n], [1n << 250n, 3n]]));
    expect([...read.pre[A].storage!.keys()]).toEqual([2n, 1n << 250n]);
    expect(read.post[A].storage).toEqual(new Map([[2n, 10n]]));
    expect(read.post[B]).toEqual({ balance: 5n });
    expect(formatDiff(read, jsonCodec)).toEqual({
      pre: { [A]: { balance: '0x1', storage: { [slot(2n)]: slot(9n), [slot(1n << 250n)]: slot(3n) } } },
      post: { [A]: { storage: { [slot(2n)]: slot(10n) } }, [B]: { balance: '0x5' } },
    });
  });

  it('leaves a record in the current form as it is', () => {
    const now: StateDiff = { pre: { [A]: { balance: 1n, storage: new Map([[2n, 9n]]) } }, post: { [A]: { storage: new Map([[2n, 10n]]) } } };
    expect(storedDiff(deserialize(serialize(now)) as StateDiff)).toEqual(now);
  });
});
