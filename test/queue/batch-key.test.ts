import { describe, expect, it } from 'vitest';
import { batchKey, canonicalJson, isBatchHash } from '../../src/queue/batch-key.js';
import { keccak256 } from '../../src/primitives/keccak.js';
import { bytesToHex } from '../../src/primitives/hex.js';
import { ALICE, batch, transfer } from '../server/helpers.js';

describe('batch names', () => {
  it("sorts every object's keys, keeps array order, and drops undefined fields as JSON does", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('names a batch by the keccak of those bytes, whatever the order of its fields', () => {
    const b = batch({ txs: [transfer(ALICE, 0), transfer(ALICE, 1)] });
    const k = batchKey(b);
    expect(k.hash).toBe(bytesToHex(keccak256(k.bytes)));
    expect(isBatchHash(k.hash)).toBe(true);
    const reordered = JSON.parse(JSON.stringify({ txs: b.txs.map((t) => Object.fromEntries(Object.entries(t).reverse())), env: b.env, pre: b.pre, fork: b.fork }));
    expect(batchKey(reordered).hash).toBe(k.hash);
    // Any change of content is another batch; so is another order of transactions.
    expect(batchKey({ ...b, txs: [b.txs[1], b.txs[0]] }).hash).not.toBe(k.hash);
    expect(batchKey({ ...b, options: { engine: 'cpu' } }).hash).not.toBe(k.hash);
  });

  it('takes only 0x and 64 lowercase hex digits as a batch hash', () => {
    expect(isBatchHash(`0x${'a'.repeat(64)}`)).toBe(true);
    for (const s of [`0x${'A'.repeat(64)}`, `0x${'a'.repeat(63)}`, 'a'.repeat(66), `0x${'g'.repeat(64)}`]) expect(isBatchHash(s)).toBe(false);
  });
});
