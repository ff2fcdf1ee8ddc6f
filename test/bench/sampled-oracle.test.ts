import { describe, expect, it } from 'vitest';
import { markdownTable } from '../../bench/suite/markdown.js';
import { runSuite } from '../../bench/suite/run.js';
import { prefixDifference, sampledOracle } from '../../bench/suite/sampled-oracle.js';
import { workloadCases } from '../../bench/workloads/index.js';
import { comparable, type Json } from '../../src/engine/compare.js';
import type { Engine } from '../../src/engine/engine.js';
import { EngineRegistry } from '../../src/registry/registry.js';

/** --reference-max-txs: a large case is checked against the cpu engine, whose result is checked on the reference's prefix. */
describe('sampled oracle', () => {
  it('runs the reference on a prefix of a large case and checks every engine against the cpu engine', async () => {
    const report = await runSuite({ workloads: ['native-transfer'], sizes: [6, 20], engines: ['reference', 'auto'], repeat: 1, seed: 1, referenceMaxTxs: 8 });
    const at = (size: number) => report.rows.filter((r) => r.size === size);
    expect(at(6).map((r) => [r.engine, r.correct, r.skipped])).toEqual([['reference', true, undefined], ['auto', true, undefined]]);
    const [reference, auto] = at(20);
    expect(reference.skipped).toMatch(/^sampled: the reference ran the first 8 transactions .* result for all 20 /);
    expect([auto.engine, auto.correct, auto.repeats, auto.ratioVsReference]).toEqual(['auto', true, 1, null]);
    expect(markdownTable(report)).toContain('| skipped: sampled: the reference ran the first 8');
  });

  it('refuses a cpu result that differs from the reference on the sample', async () => {
    const registry = new EngineRegistry();
    try {
      const [c] = workloadCases('native-transfer', { sizes: [12], seed: 3 });
      const cpu = registry.get('cpu');
      // Gas used of the second transaction, off by one.
      const lying: Engine = Object.assign(Object.create(cpu) as Engine, {
        execute: async (...args: Parameters<Engine['execute']>) => {
          const r = await cpu.execute(...args);
          r.results[1] = { ...r.results[1], gasUsed: r.results[1].gasUsed + 1n };
          return r;
        },
      });
      const engines = { reference: registry.get('reference'), cpu: lying };
      await expect(sampledOracle(engines, c.batch, 4, registry.codes)).rejects.toThrow(/differs from the reference on the first 4 transactions: results\[1\]\.gasUsed/);
      await expect(sampledOracle({ ...engines, cpu }, c.batch, 4, registry.codes)).resolves.toMatchObject({ summary: expect.stringMatching(/^sampled: /) });
    } finally {
      await registry.close();
    }
  });

  it('compares the results and the rejections of the prefix only', () => {
    const result = (gas: string[], rejected: number[]) => ({ results: gas.map((g) => ({ gasUsed: g })), rejected: rejected.map((index) => ({ index, error: 'nonce' })) }) as unknown as Json;
    expect(prefixDifference(result(['0x1', '0x2'], [2]), result(['0x1', '0x2', '0x3'], [2, 9]), 3)).toBeUndefined();
    expect(prefixDifference(result(['0x1', '0x2'], []), result(['0x1', '0x5', '0x3'], []), 2)).toMatch(/^results\[1\]\.gasUsed: expected "0x2", got "0x5"/);
    expect(prefixDifference(result(['0x1'], [1]), result(['0x1', '0x2'], []), 2)).toMatch(/^rejected/);
    expect(prefixDifference(result(['0x1', '0x2'], []), result(['0x1'], []), 2)).toMatch(/1 results, the prefix 2/);
  });
});
