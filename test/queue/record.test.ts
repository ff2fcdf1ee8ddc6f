import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { BatchResult } from '../../src/model/shapes.js';
import { decodeRecord, encodeRecord } from '../../src/queue/record.js';
import { encodeMsgpack } from '../../src/wire/msgpack.js';

const A = '0x' + '0a'.repeat(20);
const slot = (v: bigint) => '0x' + v.toString(16).padStart(64, '0');
const word = (v: bigint) => Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
const result = (stateDiff: unknown) => ({ results: [], rejected: [], stateDiff, gasUsed: 0n }) as unknown as BatchResult;

describe('result records', () => {
  it('round-trip a result with its diff slots as numbers', () => {
    const r = result({ pre: { [A]: { balance: 1n, storage: new Map([[2n, 9n]]) } }, post: { [A]: { storage: new Map([[2n, 10n]]) } } });
    const back = decodeRecord(encodeRecord({ result: r, worker: 'w1', ms: 3, delivery: 1 }));
    expect(back.result!.stateDiff).toEqual(r.stateDiff);
    expect(back).toMatchObject({ worker: 'w1', ms: 3, delivery: 1 });
  });

  it('read a version 1 record (slots as hex keys to 32-byte values) with its slots as numbers', () => {
    const old = result({ pre: { [A]: { balance: 1n, storage: { [slot(2n)]: word(9n) } } }, post: { [A]: { storage: { [slot(2n)]: word(10n) } } } });
    const bytes = encodeMsgpack({ v: 1, result: serialize(old), worker: 'w0', ms: 1, delivery: 2 });
    expect(decodeRecord(bytes).result!.stateDiff).toEqual({ pre: { [A]: { balance: 1n, storage: new Map([[2n, 9n]]) } }, post: { [A]: { storage: new Map([[2n, 10n]]) } } });
  });

  it('refuse an envelope of a version they do not know', () => {
    expect(() => decodeRecord(encodeMsgpack({ v: 3, worker: 'w', ms: 0, delivery: 1 }))).toThrow(/unknown version/);
  });
});
