import { afterAll, describe, expect, it } from 'vitest';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';
import { workloadCases } from '../../bench/workloads/index.js';
import { comparable, describeDifference, resultDifference } from '../../src/engine/compare.js';
import { ReferenceEngine } from '../../src/engine/reference.js';
import { EngineRegistry } from '../../src/registry/registry.js';
import { testRegistry } from '../support/registry.js';
import { parseBatch } from '../../src/wire/parse.js';
import type { BatchResult, WireBatch } from '../../src/model/shapes.js';

const reference = new ReferenceEngine();
// Small tasks and speculation from one transaction on, so every path runs even on small batches.
const small = { speculateFrom: 1, chunk: 8 };
const registry = testRegistry({ runtime: { cpuWorkers: 2 }, overrides: { cpu: small, auto: small } });
const cpu = registry.get('cpu');
const auto = registry.get('auto');
afterAll(() => registry.close());

function speculation(r: BatchResult) {
  if (r.stats.mode !== 'speculative') throw new Error(`engine ${r.stats.engine} ran sequentially`);
  return r.stats.speculation;
}

async function expectEqual(w: WireBatch, engine = cpu) {
  const batch = parseBatch({ ...w, options: { ...w.options, stateRoot: true } });
  const [want, got] = [await reference.execute(batch), await engine.execute(batch)];
  const d = resultDifference(want, got);
  if (d) throw new Error(describeDifference(d));
  expect(got.stateRoot).toEqual(want.stateRoot);
  return got;
}

describe('engine cpu equals the reference', () => {
  it('conflict-free ERC-20 transfers: every transaction committed from speculation', async () => {
    const r = await expectEqual(erc20TransferBatch({ transfers: 120, seed: 3 }));
    const s = speculation(r);
    expect(s.speculated).toBe(120);
    expect(s.committedSpeculative).toBe(120);
    expect(s.reexecuted).toBe(0);
  }, 120_000);

  it('ERC-20 transfers to one hot recipient: conflicts are re-executed, then the contract runs in order', async () => {
    const r = await expectEqual(erc20TransferBatch({ transfers: 120, recipients: 'hot', seed: 4 }));
    const s = speculation(r);
    expect(s.reexecuted).toBeGreaterThan(0);
    expect(s.hotTargets).toBe(1);
  }, 120_000);

  for (const name of ['native-transfer', 'uniswap-swap', 'uniswap-hot', 'mixed', 'compute'] as const) {
    it(`workload ${name}, 100 transactions`, async () => {
      await expectEqual(workloadCases(name, { sizes: [100], seed: 5 }).next().value!.batch);
    }, 120_000);
  }

  it('one pool’s swaps, re-executed in a row: the exec thread runs each next one while the commit takes the one before', async () => {
    const r = await expectEqual(workloadCases('uniswap-hot', { sizes: [80], seed: 6 }).next().value!.batch);
    const s = speculation(r);
    // Every swap after the first two in a row is answered by the run made ahead.
    expect(s.reexecutedAhead).toBeGreaterThan(40);
    expect(s.reexecutedAhead).toBeLessThanOrEqual(s.inline + s.reexecuted);
  }, 120_000);
});

describe('engine auto equals the reference', () => {
  it('conflict-free ERC-20 transfers: every frame from the GPU wave committed', async () => {
    const r = await expectEqual(erc20TransferBatch({ transfers: 120, seed: 3 }), auto);
    const s = speculation(r);
    expect(s.gpuFrames).toBe(120);
    expect(s.gpuCommitted).toBe(120);
    expect(r.stats.engines).toEqual({ gpu: 120 });
  }, 180_000);

  it('ERC-20 transfers to one hot recipient: stale frames re-executed on the CPU', async () => {
    const r = await expectEqual(erc20TransferBatch({ transfers: 120, recipients: 'hot', seed: 4 }), auto);
    const s = speculation(r);
    expect(s.gpuCommitted).toBeGreaterThan(0);
    expect(s.fallbacks['stale-or-unplain-frame']).toBeGreaterThan(0);
  }, 180_000);

  for (const name of ['native-transfer', 'uniswap-swap', 'uniswap-hot', 'mixed', 'compute'] as const) {
    it(`workload ${name}, 100 transactions`, async () => {
      await expectEqual(workloadCases(name, { sizes: [100], seed: 5 }).next().value!.batch, auto);
    }, 180_000);
  }
});

/** The speculation stats without the waves' times, which vary from run to run. */
const untimed = (s: ReturnType<typeof speculation>) => ({ ...s, perWave: s.perWave.map(({ frames, submits, hostRounds }) => ({ frames, submits, hostRounds })) });

describe('engine auto is deterministic', () => {
  it('gives the same result and the same routes on every run of a conflicting batch', async () => {
    const w = workloadCases('mixed', { sizes: [150], seed: 9 }).next().value!.batch;
    const batch = parseBatch({ ...w, options: { stateRoot: true } });
    const runs = [await auto.execute(batch), await auto.execute(batch), await auto.execute(batch)];
    for (const r of runs.slice(1)) {
      expect(comparable(r)).toEqual(comparable(runs[0]));
      expect(untimed(speculation(r))).toEqual(untimed(speculation(runs[0])));
      expect(r.results.map((x) => x.engine)).toEqual(runs[0].results.map((x) => x.engine));
    }
  }, 180_000);
});
