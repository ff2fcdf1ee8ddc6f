import { afterAll, describe, expect, it } from 'vitest';
import { workloadCases } from '../../bench/workloads/index.js';
import { describeDifference, resultDifference } from '../../src/engine/compare.js';
import { ReferenceEngine } from '../../src/engine/reference.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Batch, BatchResult, WireBatch } from '../../src/model/shapes.js';
import { parseBatch } from '../../src/wire/parse.js';
import { ALICE, batch as wireBatch, transfer } from '../server/helpers.js';
import { testRegistry } from '../support/registry.js';
import { mapSource, partialPre } from '../support/state-source.js';

/**
 * The speculation core against a state source (src/model/state-source.ts): the batch's
 * `pre` holds part of the state and the source the rest, as a chain's store would; the
 * result must equal the reference's on the whole pre-state, byte for byte.
 */
const reference = new ReferenceEngine();
const small = { speculateFrom: 1, chunk: 8 };
const registry = testRegistry({ runtime: { cpuWorkers: 2 }, overrides: { cpu: small, auto: small } });
afterAll(() => registry.close());

async function expectEqualWithSource(w: WireBatch, engine: Engine, part: (b: Batch) => Batch['pre']): Promise<BatchResult> {
  const whole = parseBatch({ ...w, options: { stateRoot: false } });
  const want = await reference.execute(whole);
  const source = mapSource(whole.pre);
  const got = await engine.execute({ ...whole, pre: part(whole) }, { state: source });
  const d = resultDifference(want, got);
  if (d) throw new Error(describeDifference(d));
  return got;
}

const HALF = (b: Batch) => partialPre(b.pre, { accountEvery: 2, dropSlotEvery: 3, zeros: [1n, 2n, 3n] });
const NOTHING = () => new Map();

describe('engines against a state source equal the reference on the whole pre-state', () => {
  for (const name of ['cpu', 'auto'] as const) {
    for (const workload of ['mixed', 'uniswap-swap', 'erc20-transfer'] as const) {
      it(`${name}: ${workload}, half the accounts and two thirds of their slots in pre`, async () => {
        const w = workloadCases(workload, { sizes: [100], seed: 11 }).next().value!.batch;
        const r = await expectEqualWithSource(w, registry.get(name), HALF);
        if (r.stats.mode !== 'speculative') throw new Error('ran sequentially');
        expect(r.stats.stateSource!.accounts + r.stats.stateSource!.slots).toBeGreaterThan(0);
      }, 180_000);
    }
    it(`${name}: mixed, nothing in pre`, async () => {
      await expectEqualWithSource(workloadCases('mixed', { sizes: [60], seed: 12 }).next().value!.batch, registry.get(name), NOTHING);
    }, 180_000);
  }

  it('gpu: mixed, half in pre (stale frames rerun on the GPU, their snapshot holding what was read through the source)', async () => {
    const w = workloadCases('mixed', { sizes: [60], seed: 13 }).next().value!.batch;
    const r = await expectEqualWithSource(w, registry.get('gpu'), HALF);
    if (r.stats.mode !== 'speculative') throw new Error('ran sequentially');
    expect(r.stats.speculation.gpuReruns).toBeGreaterThan(0);
  }, 300_000);

  it('an account deleted by EIP-161 lists, in the diff, every slot the source held', async () => {
    const empty = '0x00000000000000000000000000000000000000ee';
    const w = wireBatch({
      pre: {
        [ALICE]: { balance: '0xde0b6b3a7640000', nonce: '0x0' },
        [empty]: { balance: '0x0', nonce: '0x0', storage: { '0x1': '0x5', '0x2': '0x7' } },
      },
      txs: [transfer(ALICE, 0, { to: empty, value: '0x0', gas: '0x7530' })],
    });
    for (const name of ['cpu', 'auto'] as const) {
      const r = await expectEqualWithSource(w, registry.get(name), (b) => new Map([[ALICE, b.pre.get(ALICE)!]]));
      expect([...(r.stateDiff.pre[empty].storage?.keys() ?? [])]).toEqual([1n, 2n]);
      expect(r.stateDiff.post[empty]).toBeUndefined();
    }
  });
});

describe('engines that cannot take a source refuse it', () => {
  const whole = parseBatch({ ...wireBatch({ txs: [transfer(ALICE, 0)] }), options: { stateRoot: false } });
  it('the reference: STATE_SOURCE_UNSUPPORTED', async () => {
    await expect(reference.execute(whole, { state: mapSource(whole.pre) })).rejects.toMatchObject({ code: 'STATE_SOURCE_UNSUPPORTED', statusCode: 400 });
  });
  it('the core, asked for the state root or before Byzantium', async () => {
    const auto = registry.get('auto');
    await expect(auto.execute({ ...whole, options: { stateRoot: true } }, { state: mapSource(whole.pre) })).rejects.toMatchObject({ code: 'STATE_SOURCE_UNSUPPORTED' });
    await expect(auto.execute({ ...whole, fork: 'Homestead' }, { state: mapSource(whole.pre) })).rejects.toMatchObject({ code: 'STATE_SOURCE_UNSUPPORTED' });
  });
});
