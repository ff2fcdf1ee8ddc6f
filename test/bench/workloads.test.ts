import { describe, expect, it } from 'vitest';
import { ReferenceEngine } from '../../src/engine/reference.js';
import { parseBatch } from '../../src/wire/parse.js';
import { validateBatch } from '../../src/wire/validate.js';
import { workloadCases, WORKLOADS } from '../../bench/workloads/index.js';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';
import { fixturePath } from '../support/fixtures.js';

/** keccak256("Swap(address,uint256,uint256,uint256,uint256,address)"), Uniswap V2's Swap event. */
const SWAP_TOPIC = 'd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822';

const reference = new ReferenceEngine();

async function run(workload: string) {
  const [c] = [...workloadCases(workload, { sizes: [24], seed: 5, quickBlocks: 1, mainnetDir: fixturePath('mainnet-blocks') })];
  validateBatch(c.batch);
  return { c, result: await reference.execute(parseBatch(c.batch)) };
}

describe('bench workloads on the reference', () => {
  it.each([...WORKLOADS])('%s: every transaction is included and succeeds', async (workload) => {
    const { c, result } = await run(workload);
    expect(result.rejected).toEqual([]);
    expect(result.results).toHaveLength(c.batch.txs.length);
    expect(result.results.filter((t) => t.status !== 1n).map((t) => `${t.index}: ${t.error}`)).toEqual([]);
  });

  it.each(['uniswap-swap', 'uniswap-hot'])('%s: every second transaction is a swap that emits Swap', async (workload) => {
    const { result } = await run(workload);
    const swaps = result.results.filter((t) => t.logs.some((l) => Buffer.from(l.topics[0]).toString('hex') === SWAP_TOPIC));
    expect(swaps.map((t) => t.index)).toEqual(result.results.filter((t) => t.index % 2 === 1).map((t) => t.index));
  });

  it('generators are deterministic in their seed', () => {
    const twice = (seed: number) => JSON.stringify([...workloadCases('mixed', { sizes: [30], seed })][0].batch);
    expect(twice(9)).toBe(twice(9));
    expect(twice(9)).not.toBe(twice(10));
  });

  it('erc20TransferBatch without a seed keeps its fixed amount of 7 per transfer', () => {
    const b = erc20TransferBatch({ transfers: 2 });
    expect(b.txs.map((t) => ('data' in t ? t.data?.slice(-2) : ''))).toEqual(['07', '07']);
  });
});
