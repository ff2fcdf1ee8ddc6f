import { keccak_256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';
import { parseBatch } from '../../src/wire/parse.js';
import { BloomSkip } from '../../src/speculation/workers/bloom-skip.js';
import { CpuTxExecutor, UNFILLED_BLOOM } from '../../src/speculation/workers/cpu-executor.js';
import { WorldState } from '../../src/speculation/world-state.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('BloomSkip (runTx without its bloom hashes)', () => {
  it('answers the expected log items, by identity and in order, and hashes everything else', () => {
    const skip = new BloomSkip();
    let hashed = 0;
    const hash = skip.wrap((d) => {
      hashed++;
      return keccak_256(d);
    });
    const address = new Uint8Array(20).fill(1);
    const topics = [new Uint8Array(32).fill(2), new Uint8Array(32).fill(3)];
    skip.expect([[address, topics, new Uint8Array(0)]]);
    // The same content in another array is no log item: it gets its digest.
    expect(hex(hash(Uint8Array.from(address)))).toBe(hex(keccak_256(address)));
    // Out of order: topics[1] before the address and topics[0].
    expect(hex(hash(topics[1]))).toBe(hex(keccak_256(topics[1])));
    expect(hashed).toBe(2);
    for (const item of [address, ...topics]) expect(hex(hash(item))).not.toBe(hex(keccak_256(item)));
    expect([skip.skipped, hashed]).toEqual([3, 2]);
    // Past the items, and after clear(), everything is hashed again.
    expect(hex(hash(address))).toBe(hex(keccak_256(address)));
    skip.expect([[address, topics, new Uint8Array(0)]]);
    skip.clear();
    expect(hex(hash(address))).toBe(hex(keccak_256(address)));
  });

  it("leaves the CPU executor's receipts without a bloom, and its keccak exact once the run is over", async () => {
    const batch = parseBatch(erc20TransferBatch({ transfers: 3, seed: 5 }));
    const ex = await CpuTxExecutor.create(batch, 'cpu');
    const world = new WorldState(batch.pre);
    let gas = 0n;
    let items = 0;
    for (let i = 0; i < batch.txs.length; i++) {
      const run = await ex.run(i, world, gas);
      if (run.kind !== 'included') throw new Error(`transaction ${i}: ${run.kind}`);
      expect(run.tx.logsBloom).toBe(UNFILLED_BLOOM);
      world.apply(run.writes, ex.coinbase);
      gas += run.tx.gasUsed;
      for (const [, topics] of run.tx.logs) items += 1 + topics.length;
      // runTx's bloom hashed none of them: the skip matched ethereumjs's own arrays.
      expect(ex.bloomItemsSkipped).toBe(items);
      if (run.tx.logs.length === 0) continue;
      const [address, topics] = run.tx.logs[0];
      const hash = ex.common.customCrypto.keccak256!;
      for (const item of [address, ...topics]) expect(hex(hash(item))).toBe(hex(keccak_256(item)));
    }
    expect(items).toBeGreaterThan(0);
  });
});
