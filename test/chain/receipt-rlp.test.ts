import { RLP } from '@ethereumjs/rlp';
import { describe, expect, it } from 'vitest';
import { encodeReceipt } from '@ethereumjs/vm';
import { rlpLogs, rlpReceipt } from '../../src/chain/receipt-rlp.js';
import { receiptsRoot } from '../../src/chain/roots.js';
import { orderedTrieRoot } from '../../src/chain/ordered-trie.js';
import { MerklePatriciaTrie } from '@ethereumjs/mpt';
import { xorshift32 } from '../support/xorshift.js';

describe('rlpLogs and rlpReceipt', () => {
  it('encodes exactly as @ethereumjs/rlp, across every header size', () => {
    const r = xorshift32(21);
    // Data lengths around the 1-byte, short (<56) and long (1..3 length bytes) boundaries.
    const lengths = [0, 1, 2, 55, 56, 57, 255, 256, 300, 70_000];
    for (let round = 0; round < 40; round++) {
      const logs = Array.from({ length: r.below(6) }, () => {
        const data = r.bytes(lengths[r.below(lengths.length)]);
        if (data.length === 1) data[0] = r.below(2) ? 0x05 : 0x90;
        return [r.bytes(20), Array.from({ length: r.below(5) }, () => r.bytes(32)), data] as [Uint8Array, Uint8Array[], Uint8Array];
      });
      expect(Buffer.from(rlpLogs(logs)).toString('hex')).toBe(Buffer.from(RLP.encode(logs)).toString('hex'));
    }
    const many = Array.from({ length: 3000 }, () => [r.bytes(20), [r.bytes(32), r.bytes(32), r.bytes(32)], r.bytes(32)] as [Uint8Array, Uint8Array[], Uint8Array]);
    expect(Buffer.from(rlpLogs(many)).equals(Buffer.from(RLP.encode(many)))).toBe(true);
  });
});

describe('rlpReceipt', () => {
  it('encodes exactly as ethereumjs encodeReceipt for every type, status and gas size', () => {
    const r = xorshift32(22);
    for (let round = 0; round < 60; round++) {
      const logs = Array.from({ length: r.below(4) }, () => [r.bytes(20), Array.from({ length: r.below(5) }, () => r.bytes(32)), r.bytes(r.below(120))] as [Uint8Array, Uint8Array[], Uint8Array]);
      const receipt = { status: r.below(2) as 0 | 1, cumulativeBlockGasUsed: BigInt(r.below(2 ** 30)) * BigInt(1 + r.below(5000)), bitvector: r.bytes(256), logs };
      const type = r.below(5);
      expect(Buffer.from(rlpReceipt(receipt, type)).toString('hex')).toBe(Buffer.from(encodeReceipt(receipt as never, type as 0)).toString('hex'));
    }
  });
});

describe('receiptsRoot', () => {
  /** The same trie from the generic encoders: RLP.encode(index) keys, ethereumjs encodeReceipt values. */
  const generic = (receipts: { receipt: never; txType: number }[]) =>
    orderedTrieRoot(receipts.map((r, i) => ({ key: RLP.encode(i), value: encodeReceipt(r.receipt, r.txType as 0) })));
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

  it('equals @ethereumjs/mpt over encodeReceipt for every type, with pre-Byzantium receipts among them', async () => {
    const r = xorshift32(23);
    const receipts = Array.from({ length: 300 }, (_, i) => {
      const logs = Array.from({ length: r.below(3) }, () => [r.bytes(20), Array.from({ length: r.below(4) }, () => r.bytes(32)), r.bytes(r.below(80))]);
      const common = { cumulativeBlockGasUsed: BigInt(21_000 * (i + 1)), bitvector: r.bytes(256), logs };
      return { receipt: (i % 7 === 3 ? { stateRoot: r.bytes(32), ...common } : { status: r.below(2), ...common }) as never, txType: i % 7 === 3 ? 0 : r.below(5) };
    });
    const trie = new MerklePatriciaTrie();
    for (const [i, x] of receipts.entries()) await trie.put(RLP.encode(i), encodeReceipt(x.receipt, x.txType as 0));
    expect(hex(await receiptsRoot(receipts))).toBe(hex(trie.root()));
  });

  it('keys indices past one, two and three bytes as RLP does (70,000 receipts)', async () => {
    const receipts = Array.from({ length: 70_000 }, (_, i) => ({ receipt: { status: 1, cumulativeBlockGasUsed: BigInt(i + 1), bitvector: new Uint8Array(256), logs: [] } as never, txType: 2 }));
    expect(hex(await receiptsRoot(receipts))).toBe(hex(await generic(receipts)));
  }, 60_000);
});
