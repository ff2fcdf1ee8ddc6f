import { afterAll, describe, expect, it } from 'vitest';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';
import { describeDifference, resultDifference } from '../../src/engine/compare.js';
import { ReferenceEngine } from '../../src/engine/reference.js';
import type { BatchResult } from '../../src/model/shapes.js';
import { parseBatch } from '../../src/wire/parse.js';
import { testRegistry } from '../support/registry.js';

/**
 * GPU device loss in the middle of a batch: the device is destroyed right after the
 * wave's dispatch is submitted, while it runs. The batch ends through the CPU routes
 * with the reference's result, and the next batch runs on the GPU again, on a fresh
 * device.
 */
const registry = testRegistry();
const oracle = new ReferenceEngine();
afterAll(() => registry.close());

function fallbacks(r: BatchResult): Record<string, number> {
  if (r.stats.mode !== 'speculative') throw new Error('ran sequentially');
  return r.stats.speculation.fallbacks;
}

/** Destroys the device once, as soon as a command buffer has been submitted to it. */
async function loseDeviceAtNextSubmit(): Promise<GPUDevice> {
  const { device } = await registry.gpu.session();
  const queue = device.queue;
  const submit = queue.submit.bind(queue);
  queue.submit = (buffers: Iterable<GPUCommandBuffer>) => {
    submit(buffers);
    queue.submit = submit;
    device.destroy();
  };
  return device;
}

describe('GPU device lost while a wave runs', () => {
  for (const name of ['gpu', 'auto'] as const) {
    it(`${name}: identical results through the fallback, then the GPU again on a fresh device`, async () => {
      const engine = registry.get(name);
      const batch = parseBatch(erc20TransferBatch({ transfers: 64, seed: 7 }));
      const want = await oracle.execute(batch);
      // Warm: the engine's executors exist, so the next submit is the wave's.
      const warm = await engine.execute(batch);
      expect(warm.stats.engines).toEqual({ gpu: 64 });

      const lost = await loseDeviceAtNextSubmit();
      const during = await engine.execute(batch);
      const d = resultDifference(want, during);
      expect(d && describeDifference(d)).toBeUndefined();
      expect(fallbacks(during)['device-error']).toBeGreaterThanOrEqual(1);
      expect(during.stats.engines.gpu ?? 0).toBe(0);

      const after = await engine.execute(batch);
      expect(resultDifference(want, after)).toBeUndefined();
      expect(after.stats.engines).toEqual({ gpu: 64 });
      expect((await registry.gpu.session()).device).not.toBe(lost);
    });
  }
});
