import { RLP } from '@ethereumjs/rlp';
import { describe, expect, it } from 'vitest';
import { encodeReceipt } from '@ethereumjs/vm';
import { rlpLogs, rlpReceipt } from '../../src/chain/receipt-rlp.js';
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
