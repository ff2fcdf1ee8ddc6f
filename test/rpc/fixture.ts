import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChainBlock } from '../../src/model/chain.js';
import type { BlockRecord } from '../../src/rollup/store.js';
import { Chain } from '../../src/rollup/chain.js';
import type { EngineRegistry } from '../../src/registry/registry.js';
import { parseChainBlock, parseChainInit } from '../../src/wire/chain.js';
import { BlockStream, genesis } from '../support/chain-blocks.js';
import { ReferenceChain } from '../support/chain-replay.js';
import { testRegistry } from '../support/registry.js';

/**
 * A chain of a few blocks (test/support/chain-blocks.ts's mixed transactions, on the CPU
 * engine) and its reference replay, for the JSON-RPC tests; `states[n]` is the whole
 * state after block n, as the reference holds it.
 */
export interface Fixture {
  registry: EngineRegistry;
  chain: Chain;
  ref: ReferenceChain;
  records: BlockRecord[];
  states: ReferenceChain[];
  close(): Promise<void>;
}

export async function chainFixture(blocks: number, rollbackDepth = 8): Promise<Fixture> {
  const registry = testRegistry({ runtime: { cpuWorkers: 1 }, openGpu: () => Promise.reject(new Error('no GPU in the JSON-RPC tests')) });
  const dir = mkdtempSync(join(tmpdir(), 'evmgpu-rpc-'));
  const chain = new Chain({ dir, rollbackDepth, stateCacheBytes: 1 << 20 }, registry);
  const init = parseChainInit(genesis());
  const ref = new ReferenceChain(init);
  const { head } = await chain.init(init);
  ref.hashes.set(0n, head.hash);
  const records = [chain.block(0n)];
  const states = [ref.clone()];
  const stream = new BlockStream(11, 8);
  for (let n = 1n; n <= BigInt(blocks); n++) {
    const b: ChainBlock = parseChainBlock(stream.block(n, 1000n + 12n * n));
    b.options.engine = 'cpu';
    const { record } = await chain.apply(b);
    await ref.apply(b);
    ref.hashes.set(n, record.hash);
    records.push(record);
    states.push(ref.clone());
  }
  return {
    registry, chain, ref, records, states,
    async close() {
      await chain.close();
      await registry.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
