import { RLP } from '@ethereumjs/rlp';
import { describe, expect, it } from 'vitest';
import { bigintToMinimalBytes } from '../../src/primitives/hex.js';
import { accountLeaf, decodeReverseDiff, encodeAccount, encodeReverseDiff, slotLeaf, type AccountRecord, type ReverseDiff } from '../../src/rollup/records.js';
import { xorshift32 } from '../support/xorshift.js';

/** The records written straight into buffers against @ethereumjs/rlp's encoding of the same items. */
const r = xorshift32(11);
const EDGES = [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x100n, (1n << 64n) - 1n, 1n << 64n, (1n << 255n) + 1n, (1n << 256n) - 1n];
const scalar = (): bigint => {
  if (r.below(3) === 0) return r.pick(EDGES);
  let v = 0n;
  for (let i = r.below(33); i > 0; i--) v = (v << 8n) | BigInt(r.below(256));
  return v;
};
const record = (): AccountRecord => ({
  nonce: r.below(4) === 0 ? r.pick(EDGES.slice(0, 7)) : BigInt(r.below(1 << 20)),
  balance: scalar(),
  codeHash: r.bytes(32),
  storageRoot: r.bytes(32),
  slots: r.pick([0, 1, 0x7f, 0x80, 0xff, 0x100, 2 ** 40, r.below(1 << 30)]),
});
const min = bigintToMinimalBytes;

describe('records: encoded in place, the bytes @ethereumjs/rlp makes', () => {
  it('account records, account leaves and slot leaves', () => {
    for (let i = 0; i < 2000; i++) {
      const a = record();
      expect(encodeAccount(a)).toEqual(RLP.encode([min(a.nonce), min(a.balance), a.codeHash, a.storageRoot, a.slots]));
      expect(accountLeaf(a)).toEqual(RLP.encode([min(a.nonce), min(a.balance), a.storageRoot, a.codeHash]));
      const v = scalar();
      if (v !== 0n) expect(slotLeaf(v)).toEqual(RLP.encode(min(v)));
    }
  });

  it('reverse diffs of every size around the short and long list headers, decoded back', () => {
    for (const [accounts, slots] of [[0, 0], [1, 0], [0, 1], [1, 1], [2, 3], [40, 7], [300, 900]]) {
      const d: ReverseDiff = {
        accounts: Array.from({ length: accounts }, () => [r.bytes(20), r.below(4) === 0 ? undefined : record()]),
        slots: Array.from({ length: slots }, () => [r.bytes(20), scalar(), scalar()]),
      };
      const bytes = encodeReverseDiff(d);
      expect(bytes).toEqual(RLP.encode([
        d.accounts.map(([a, rec]) => [a, rec ? encodeAccount(rec) : new Uint8Array(0)]),
        d.slots.map(([a, slot, v]) => [a, min(slot), min(v)]),
      ]));
      const back = decodeReverseDiff(bytes);
      expect(back.slots).toEqual(d.slots);
      expect(back.accounts.map(([a, rec]) => [a, rec && encodeAccount(rec)])).toEqual(d.accounts.map(([a, rec]) => [a, rec && encodeAccount(rec)]));
    }
  });
});
