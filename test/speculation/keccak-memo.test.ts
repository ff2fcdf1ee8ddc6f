import { keccak_256 } from '@noble/hashes/sha3.js';
import { Bloom } from '@ethereumjs/vm';
import { describe, expect, it } from 'vitest';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';
import { parseBatch } from '../../src/wire/parse.js';
import { CpuTxExecutor } from '../../src/speculation/workers/cpu-executor.js';
import { memoKeccak } from '../../src/speculation/workers/keccak-memo.js';
import { xorshift32 } from '../support/xorshift.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('keccak-256 with short digests kept (the CPU executor)', () => {
  it('equals @noble/hashes on every length 0..100, kept, recomputed after the table fills, and for inputs it does not keep', () => {
    const r = xorshift32(21);
    const inputs = Array.from({ length: 300 }, (_, i) => r.bytes(i % 101));
    for (const limit of [1 << 14, 7]) {
      const hash = memoKeccak(limit);
      for (let pass = 0; pass < 3; pass++) {
        for (const x of inputs) {
          const d = hash(x);
          expect(hex(d)).toBe(hex(keccak_256(x)));
          // The bloom reads a digest through its buffer: each must be one of its own.
          expect([d.byteOffset, d.buffer.byteLength]).toEqual([0, 32]);
        }
      }
    }
  });

  it('answers a repeated short input with the digest it kept, and a long one anew', () => {
    const hash = memoKeccak();
    const word = new Uint8Array(32).fill(9);
    expect(hash(word)).toBe(hash(Uint8Array.from(word)));
    const long = new Uint8Array(65).fill(9);
    expect(hash(long)).not.toBe(hash(long));
    // Inputs that differ only in length stay apart.
    expect(hex(hash(new Uint8Array(1)))).not.toBe(hex(hash(new Uint8Array(2))));
  });

  it("is what the CPU executor's ethereumjs hashes with, so its blooms stay ethereumjs' own", async () => {
    const batch = parseBatch(erc20TransferBatch({ transfers: 4, seed: 3 }));
    const ex = await CpuTxExecutor.create(batch, 'cpu');
    const hash = ex.common.customCrypto.keccak256!;
    expect(hash).toBeDefined();
    const topic = new Uint8Array(32).fill(1);
    expect(hash(topic)).toBe(hash(Uint8Array.from(topic)));
    const viaMemo = new Bloom(undefined, ex.common);
    const plain = new Bloom();
    for (const x of [topic, new Uint8Array(20).fill(2), topic]) {
      viaMemo.add(x);
      plain.add(x);
    }
    expect(hex(viaMemo.bitvector)).toBe(hex(plain.bitvector));
  });
});
