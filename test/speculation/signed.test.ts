import { afterAll, describe, expect, it } from 'vitest';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';
import { signedBatch } from '../../bench/signing/sign.js';
import { comparable } from '../../src/engine/compare.js';
import { ReferenceEngine } from '../../src/engine/reference.js';
import type { BatchResult } from '../../src/model/shapes.js';
import { parseBatch } from '../../src/wire/parse.js';
import { validateBatch } from '../../src/wire/validate.js';
import { testRegistry } from '../support/registry.js';

/**
 * Signed transactions in a batch too large to recover senders serially on the main
 * thread: the worker threads recover them, and the transactions still take the GPU
 * route, with the reference's result (hashes included).
 */
const registry = testRegistry({ runtime: { cpuWorkers: 2 } });
afterAll(() => registry.close());
const reference = new ReferenceEngine();

const speculation = (r: BatchResult) => (r.stats.mode === 'speculative' ? r.stats.speculation : undefined);

describe('signed transactions past the main-thread threshold', () => {
  const wire = signedBatch(erc20TransferBatch({ transfers: 300, seed: 11 }));
  validateBatch(wire);

  it('on auto and gpu: senders recovered on the workers, every frame from the GPU, results equal to the reference', async () => {
    const want = await reference.execute(parseBatch(wire));
    expect(want.results.every((r) => r.hash !== undefined)).toBe(true);
    for (const name of ['auto', 'gpu'] as const) {
      const got = await registry.get(name).execute(parseBatch(wire));
      expect(comparable(got), name).toEqual(comparable(want));
      expect(got.stats.engines, name).toEqual({ gpu: 300 });
      expect(speculation(got)?.gpuCommitted, name).toBe(300);
    }
  });
});
