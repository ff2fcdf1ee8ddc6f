import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDifference, resultDifference } from '../../src/engine/compare.js';
import { ReferenceEngine } from '../../src/engine/reference.js';
import type { BatchResult } from '../../src/model/shapes.js';
import { ENGINE_NAMES, type EngineRegistry } from '../../src/registry/registry.js';
import { parseBatch } from '../../src/wire/parse.js';
import { ADVERSARIAL, adversarialBatch } from '../support/adversarial.js';
import { testRegistry } from '../support/registry.js';

/**
 * Adversarial bytecode (test/support/adversarial.ts) on every engine: infinite loops,
 * memory bombs, the stack limit, huge return data and logs, call depth 1024, KECCAK256
 * over a MiB, storage-writing loops, loops of calls, and a batch mixing them all with
 * transfers. Each must end with the reference's outcome and gas, field for field, in
 * bounded time. The bound is a safety net against a hang, not a speed target.
 */
const BOUND_MS = 120_000;
const oracle = new ReferenceEngine();
const expected = new Map<string, Promise<BatchResult>>();

function expect_(key: string, make: () => Promise<BatchResult>): Promise<BatchResult> {
  if (!expected.has(key)) expected.set(key, make());
  return expected.get(key)!;
}

const single = (i: number) => parseBatch(adversarialBatch([i]));
const mixed = () => parseBatch(adversarialBatch(ADVERSARIAL.map((_, i) => i), true));

describe('adversarial bytecode', () => {
  let registry: EngineRegistry;
  beforeAll(() => {
    registry = testRegistry();
  });
  afterAll(() => registry.close());

  it('the programs do what they say on the reference', async () => {
    const outcome = async (name: string) => {
      const r = await expect_(name, () => oracle.execute(single(ADVERSARIAL.findIndex((p) => p.name === name))));
      return r.results[0];
    };
    expect((await outcome('infinite loop')).outcome).toBe('OutOfGas');
    expect((await outcome('maximal stack')).outcome).toBe('Stop');
    expect((await outcome('stack overflow')).outcome).toBe('StackOverflow');
    expect((await outcome('huge return data')).returnData.length).toBe(1 << 20);
    expect((await outcome('huge log')).logs[0].data.length).toBe(1 << 20);
    expect((await outcome('a thousand logs')).logs).toHaveLength(1000);
    expect((await outcome('call depth 1024')).outcome).toBe('Stop');
    expect((await outcome('a thousand slots')).outcome).toBe('Stop');
    expect((await outcome('storage-writing loop')).outcome).toBe('OutOfGas');
  }, BOUND_MS);

  for (const name of ENGINE_NAMES) {
    describe(name, () => {
      ADVERSARIAL.forEach((p, i) => {
        it(`${p.name}: the reference's outcome and gas`, async () => {
          const want = await expect_(p.name, () => oracle.execute(single(i)));
          const t0 = performance.now();
          const got = await registry.get(name).execute(single(i));
          const d = resultDifference(want, got);
          expect(d && describeDifference(d)).toBeUndefined();
          expect(performance.now() - t0).toBeLessThan(BOUND_MS);
        }, BOUND_MS * 2);
      });

      it('all of them in one batch, between transfers', async () => {
        const want = await expect_('mixed', () => oracle.execute(mixed()));
        const got = await registry.get(name).execute(mixed());
        const d = resultDifference(want, got);
        expect(d && describeDifference(d)).toBeUndefined();
        expect(got.results.length + got.rejected.length).toBe(ADVERSARIAL.length * 2 + 1);
      }, BOUND_MS * 2);
    });
  }
});
