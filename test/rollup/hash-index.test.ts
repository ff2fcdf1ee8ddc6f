import { open } from 'lmdb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Chain } from '../../src/rollup/chain.js';
import { cpuChain } from '../support/cpu-chain.js';
import { testRegistry } from '../support/registry.js';

/**
 * The store's hash index (block and transaction hash -> where): written with each block,
 * dropped with it on rollback, and built for the blocks of a store written before it.
 */
const registry = testRegistry({ runtime: { cpuWorkers: 1 }, openGpu: () => Promise.reject(new Error('no GPU in this test')) });
const dir = mkdtempSync(join(tmpdir(), 'evmgpu-index-'));
afterAll(async () => {
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the hash index', () => {
  it('follows blocks and rollbacks, and is rebuilt for an older store', async () => {
    let { chain } = await cpuChain(dir, registry);
    const records = [0n, 1n, 2n, 3n, 4n].map((n) => chain.block(n));
    for (const r of records) {
      expect(chain.store.blockNumber(r.hash)).toBe(r.number);
      r.txHashes!.forEach((h, i) => expect(chain.store.transaction(h)).toEqual({ number: r.number, index: i }));
    }
    await chain.rollback(2n);
    expect(chain.store.blockNumber(records[3].hash)).toBeUndefined();
    expect(chain.store.transaction(records[4].txHashes![0])).toBeUndefined();
    expect(chain.store.blockNumber(records[2].hash)).toBe(2n);
    await chain.close();

    // A store from before the index: its block hashes are indexed when it opens.
    const env = open({ path: dir, maxDbs: 16 });
    env.openDB({ name: 'index', keyEncoding: 'binary', encoding: 'binary' }).clearSync();
    await env.close();
    chain = new Chain({ dir, rollbackDepth: 8, stateCacheBytes: 1 << 20 }, registry);
    for (const r of records.slice(0, 3)) expect(chain.store.blockNumber(r.hash)).toBe(r.number);
    expect(chain.store.blockNumber(records[3].hash)).toBeUndefined();
    await chain.close();
  }, 120_000);
});
