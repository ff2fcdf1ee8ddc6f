import { describe, expect, it } from 'vitest';
import { EngineRegistry } from '../../src/registry/registry.js';
import { ServiceMetrics } from '../../src/server/metrics.js';
import { sample } from './helpers.js';

/** /metrics: where the default engine's GPU route stands, and the batches' fallbacks to the CPU by reason. */
describe('GPU route metrics', () => {
  it('evmgpu_gpu_route marks the state now; evmgpu_speculation_fallbacks_total adds up stats.speculation.fallbacks', async () => {
    const registry = new EngineRegistry();
    try {
      let state = 'preparing';
      const metrics = new ServiceMetrics(() => registry.compilerReport(0), undefined, () => state);
      const result = (fallbacks: Record<string, number>) =>
        ({ rejected: [], gasUsed: 21_000n, stats: { txs: 2, engines: { cpu: 2 }, engine: 'auto', mode: 'speculative', speculation: { fallbacks } } }) as never;
      metrics.observeBatch(result({ 'gpu-preparing': 1 }), {});
      metrics.observeBatch(result({ 'gpu-preparing': 1, 'device-error': 1 }), {});
      let text = await metrics.render();
      expect(sample(text, 'evmgpu_gpu_route', { state: 'preparing' })).toBe(1);
      expect(sample(text, 'evmgpu_gpu_route', { state: 'ready' })).toBe(0);
      expect(sample(text, 'evmgpu_speculation_fallbacks_total', { reason: 'gpu-preparing' })).toBe(2);
      expect(sample(text, 'evmgpu_speculation_fallbacks_total', { reason: 'device-error' })).toBe(1);
      state = 'ready';
      text = await metrics.render();
      expect(sample(text, 'evmgpu_gpu_route', { state: 'preparing' })).toBe(0);
      expect(sample(text, 'evmgpu_gpu_route', { state: 'ready' })).toBe(1);
      // The registry's own answer before anything opened the GPU.
      expect(registry.gpuRoute()).toBe('closed');
      expect(registry.gpuRoute('cpu')).toBe('none');
    } finally {
      await registry.close();
    }
  });
});
