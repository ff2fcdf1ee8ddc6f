import { describe, expect, it } from 'vitest';
import { parseBatch } from '../../src/wire/parse.js';
import { validateBatch } from '../../src/wire/validate.js';
import { DEFAULT_BASE_SEED, fuzzConfig } from './config.js';
import { generateBatch } from './generator.js';
import { caseParams, caseSeeds, LARGE_BATCH } from './params.js';

/** A case must replay from its seed alone, and every generated batch must be a request the API accepts. */
describe('fuzz batch generator', () => {
  it('is deterministic: the same seed gives the same batch, byte for byte', () => {
    for (const seed of caseSeeds(7, 20)) {
      expect(JSON.stringify(generateBatch(caseParams(seed)))).toBe(JSON.stringify(generateBatch(caseParams(seed))));
    }
  });

  it('gives different batches for different seeds', () => {
    const texts = new Set(caseSeeds(7, 50).map((s) => JSON.stringify(generateBatch({ ...caseParams(s), size: 5 }))));
    expect(texts.size).toBe(50);
  });

  it('produces batches that pass validation and parsing, on every fork and conflict rate', () => {
    for (const seed of caseSeeds(3, 150)) {
      const w = generateBatch({ ...caseParams(seed), size: Math.min(caseParams(seed).size, 60) });
      expect(() => validateBatch(w), `seed ${seed}`).not.toThrow();
      expect(parseBatch(w).options.stateRoot).toBe(true);
    }
  });

  it('steers transactions to shared state with the conflict rate', () => {
    const senders = (conflict: number) => {
      const w = generateBatch({ seed: 42, fork: 'Prague', size: 200, conflict });
      return new Set(w.txs.map((t) => ('from' in t ? t.from : t.raw))).size;
    };
    // At 100% nearly every transaction comes from the two hot senders (signed and delegated ones aside).
    expect(senders(1)).toBeLessThan(15);
    expect(senders(0)).toBeGreaterThan(100);
  });

  it('builds the CI corpus from a fixed seed, with large batches in it', () => {
    const { seeds, base } = fuzzConfig({});
    expect(base).toBe(DEFAULT_BASE_SEED);
    expect(seeds).toHaveLength(500);
    expect(new Set(seeds).size).toBe(500);
    expect(seeds.filter((s) => caseParams(s).size >= LARGE_BATCH).length).toBe(2);
    expect(Math.max(...seeds.map((s) => caseParams(s).size))).toBeLessThanOrEqual(2000);
    expect(fuzzConfig({ EVMGPU_FUZZ_CASE: '0x10,17' }).seeds).toEqual([16, 17]);
    expect(fuzzConfig({ EVMGPU_FUZZ_BATCHES: '10000', EVMGPU_FUZZ_SEED: '9' }).seeds).toHaveLength(10000);
  });
});
