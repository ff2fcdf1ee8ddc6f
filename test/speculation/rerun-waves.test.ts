import { afterAll, describe, expect, it } from 'vitest';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';
import type { WireBatch } from '../../src/model/shapes.js';
import { testRegistry } from '../support/registry.js';
import { expectEqualToReference, speculation } from './helpers.js';

/**
 * Stale frames rerun in GPU waves (src/speculation/rerun-wave.ts): independent
 * conflict chains advance together, one dispatch per link, and every result equals
 * the reference.
 */
const small = { speculateFrom: 1, chunk: 8 };
const registry = testRegistry({ runtime: { cpuWorkers: 2 }, overrides: { auto: small } });
afterAll(() => registry.close());


/**
 * `chains` independent chains of `links` ERC-20 transfers each: link k of every chain
 * credits the same recipient as link k-1 of that chain, so it reads what the link
 * before it wrote, and the first wave's run of every link after the first is stale.
 * The chains are laid out link by link (all first links, then all second links, ...).
 */
function chainedTransfers(chains: number, links: number): WireBatch {
  const w = erc20TransferBatch({ transfers: chains * links, seed: 11 });
  const txs = w.txs as unknown as Record<string, string>[];
  for (let link = 1; link < links; link++) {
    for (let c = 0; c < chains; c++) {
      // Same recipient as the chain's first link (the amount may differ: the recipient's balance is what they share).
      txs[link * chains + c].data = txs[c].data.slice(0, 74) + txs[link * chains + c].data.slice(74);
    }
  }
  return w;
}

/** The same chains laid out chain by chain: every link's writer lies after the first stale frame, uncommitted when it is reached. */
function chainsOneAfterAnother(chains: number, links: number): WireBatch {
  const w = chainedTransfers(chains, links);
  const txs = w.txs;
  w.txs = Array.from({ length: chains * links }, (_, k) => txs[(k % links) * chains + Math.floor(k / links)]);
  return w;
}

describe('rerun waves', () => {
  // Laid out chain by chain, each chain's links lie after the first stale frame, their writers uncommitted when it is reached: they rerun over the writes predicted for them.
  const layouts = [['laid out link by link', chainedTransfers], ['laid out chain by chain', chainsOneAfterAnother]] as const;
  for (const engine of ['auto', 'gpu']) {
    for (const [layout, build] of layouts) {
      it(`${engine}: 16 independent chains of 3 links, ${layout}, commit in 3 waves, all on the GPU`, async () => {
        const r = await expectEqualToReference(registry, build(16, 3), engine);
        const s = speculation(r);
        expect(r.stats.engines).toEqual({ gpu: 48 });
        // The first wave, then one rerun wave per later link, each taking that link of every chain.
        expect(s.waves).toBe(3);
        expect(s.rerunFrames).toBe(32);
        expect(s.gpuReruns).toBe(32);
        expect(s.gpuCommitted).toBe(48);
        expect(s.perWave.map((w) => [w.frames, w.hostRounds])).toEqual([[48, 0], [16, 0], [16, 0]]);
        for (const w of s.perWave) {
          expect(w.submits).toBeGreaterThanOrEqual(1);
          // Its parts are timed inside it (each rounded to 0.1 ms).
          expect(w.prepareMs + w.deviceMs + w.unpackMs).toBeLessThanOrEqual(w.ms + 0.2);
          expect(w.deviceMs).toBeGreaterThan(0);
        }
      }, 180_000);
    }
  }

  it('auto: a hot recipient (one chain) is cheaper on the CPU than one dispatch per link, until the chain runs in one wave', async () => {
    const r = await expectEqualToReference(registry, erc20TransferBatch({ transfers: 24, recipients: 'hot', seed: 4 }), 'auto');
    const s = speculation(r);
    // The first stale link re-executed on ethereumjs shows the recipient's balance takes deltas (chained-slots.ts); the rest of the chain is one wave.
    expect(s.waves).toBe(2);
    expect(s.fallbacks['stale-cheaper-on-cpu']).toBeGreaterThan(0);
    expect(s.fallbacks['stale-cheaper-on-cpu']).toBeLessThan(23);
    expect(s.chainedFrames).toBeGreaterThan(10);
  }, 180_000);

  it('gpu: a hot recipient reruns every link on the GPU (chained in one wave: chained-slots.test.ts), every result equal to the reference', async () => {
    const r = await expectEqualToReference(registry, erc20TransferBatch({ transfers: 24, recipients: 'hot', seed: 4 }), 'gpu');
    const s = speculation(r);
    expect(s.gpuReruns).toBe(23);
    expect(r.stats.engines).toEqual({ gpu: 24 });
  }, 180_000);
});
