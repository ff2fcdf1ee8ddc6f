import { afterAll, describe, expect, it } from 'vitest';
import { EngineRegistry } from '../../src/registry/registry.js';
import { testRegistry } from '../support/registry.js';
import { fuzzConfig, SHRINK_PER_ENGINE } from './config.js';
import { Coverage } from './coverage.js';
import { describeSelection, selectEngines } from './engines.js';
import { generateBatch } from './generator.js';
import { checkCase, formatMismatch } from './harness.js';
import { caseParams, LARGE_BATCH, seedHex } from './params.js';
import { Tally } from './tally.js';

/**
 * Differential fuzzing: random batches (seeded, see README.md) on every engine the
 * registry has, each compared field by field with the reference. One test per batch,
 * named by its seed; a mismatch fails that test with the seed, the engine, the first
 * differing field and a shrunk, replayable batch.
 */
const config = fuzzConfig();
const registry = testRegistry();
const selection = selectEngines(registry, config.engines);
const coverage = new Coverage();
const tally = new Tally(selection);
// Shrinking is for understanding a bug; past a few per engine it only costs time.
const quota = new Map(selection.compared.map((c) => [c.label, SHRINK_PER_ENGINE]));

describe(`differential fuzz, ${config.seeds.length} batches (base seed ${seedHex(config.base)}), ${describeSelection(selection)}`, () => {
  afterAll(async () => {
    console.log(`differential fuzz: ${describeSelection(selection)}\n${tally.summary()}\n${coverage.summary()}`);
    await registry.close();
  });

  it('finds engines to compare in the registry', () => {
    expect(selection.compared.length, describeSelection(selection)).toBeGreaterThan(0);
  });

  for (const seed of config.seeds) {
    const p = caseParams(seed);
    // Large batches take seconds per engine, and each engine's mismatch may be shrunk for up to shrinkMs.
    const timeout = selection.compared.length * config.shrinkMs + 60_000 + p.size * 250 * (1 + selection.compared.length);
    it(`seed ${seedHex(seed)}: ${p.fork}, ${p.size} txs, conflict ${Math.round(p.conflict * 100)}%`, async () => {
      const wire = generateBatch(p);
      const out = await checkCase(wire, selection, { label: `seed-${seedHex(seed)}`, quota, shrink: { ms: config.shrinkMs } });
      coverage.add(wire, out.reference, out.probe);
      tally.add(wire, out);
      const reports = out.mismatches.map((m) => formatMismatch(`seed ${seedHex(seed)}`, m));
      for (const r of reports) console.error(r);
      expect(out.mismatches.map((m) => `${m.engine} at ${m.diff.path}`), reports.join('\n\n')).toEqual([]);
    }, timeout);
  }

  // A corpus that stopped producing some behaviour would still pass; these floors catch that.
  if (!config.replay && config.seeds.length >= 200) {
    it('exercised every transaction type, outcome family and rejection the generator aims at', () => {
      expect(coverage.batches, 'every batch ran').toBe(config.seeds.length);
      for (const t of ['0x0', '0x1', '0x2', '0x3', '0x4']) expect(coverage.types.get(BigInt(t).toString()) ?? 0, `type ${t}`).toBeGreaterThan(0);
      for (const o of ['Stop', 'Return', 'Revert', 'OutOfGas', 'InvalidOpcode']) expect(coverage.outcomes.get(o) ?? 0, o).toBeGreaterThan(0);
      for (const code of [
        'TX_NONCE_TOO_HIGH', 'TX_NONCE_TOO_LOW', 'TX_INSUFFICIENT_FUNDS', 'TX_INTRINSIC_GAS', 'TX_FEE_CAP_BELOW_BASE_FEE',
        'TX_PRIORITY_FEE_ABOVE_FEE_CAP', 'TX_CHAIN_ID_MISMATCH', 'TX_SENDER_NOT_EOA', 'TX_GAS_LIMIT_EXCEEDS_BLOCK',
      ]) expect(coverage.rejections.get(code) ?? 0, code).toBeGreaterThan(0);
      expect(coverage.creates, 'contracts created').toBeGreaterThan(0);
      expect(coverage.signed, 'signed transactions').toBeGreaterThan(0);
      expect(coverage.largest, 'a large batch').toBeGreaterThanOrEqual(LARGE_BATCH);
      expect([...coverage.forks.keys()].sort()).toEqual(['Berlin', 'Cancun', 'London', 'Prague', 'Shanghai']);
    });

    it('exercised nested frames: failures mid-stack, reentrancy, static, delegate, creates, precompiles, long loops, the depth limit', () => {
      expect(coverage.nested[5], 'frames at depth 5 and deeper').toBeGreaterThan(0);
      expect(coverage.failedMidStack, 'frames failing at depth 2+').toBeGreaterThan(0);
      expect(coverage.rolledBack, 'failed frames rolling back children that had succeeded').toBeGreaterThan(0);
      for (const d of [1, 2, 3, 4, 5]) expect(coverage.reverted[d] + coverage.halted[d], `failed frames at depth ${d}`).toBeGreaterThan(0);
      expect(coverage.reentrant, 'reentrant frames').toBeGreaterThan(0);
      expect(coverage.staticFailed, 'static violations').toBeGreaterThan(0);
      expect(coverage.delegateFrames, 'DELEGATECALL frames').toBeGreaterThan(0);
      expect(coverage.callcodeFrames, 'CALLCODE frames').toBeGreaterThan(0);
      expect(coverage.valueFrames, 'frames with value').toBeGreaterThan(0);
      expect(coverage.frameCreatesFailed, 'failed CREATE/CREATE2 by frames').toBeGreaterThan(0);
      expect(coverage.frameCreates - coverage.frameCreatesFailed, 'CREATE/CREATE2 by frames that deployed').toBeGreaterThan(0);
      for (const op of ['CREATE', 'CREATE2', 'SELFDESTRUCT', 'TSTORE', 'STATICCALL', 'DELEGATECALL', 'CALLCODE']) expect(coverage.ops.get(op) ?? 0, op).toBeGreaterThan(0);
      // ecrecover to point evaluation, each called and each failing at least once; the BLS12-381 ones (Prague) called.
      for (let a = 1; a <= 0x0a; a++) expect(coverage.precompiles.get(a)?.calls ?? 0, `precompile ${a}`).toBeGreaterThan(0);
      for (const a of [1, 5, 6, 7, 8, 9, 0x0a]) expect(coverage.precompiles.get(a)?.failed ?? 0, `precompile ${a} failing`).toBeGreaterThan(0);
      expect([...coverage.precompiles.keys()].filter((a) => a > 0x0a).length, 'BLS12-381 precompiles').toBeGreaterThan(2);
      expect(coverage.longTxs, 'transactions over one GPU dispatch of opcodes').toBeGreaterThan(0);
      expect(coverage.deepest, 'the call depth limit').toBeGreaterThanOrEqual(1024);
    });
  }
});
