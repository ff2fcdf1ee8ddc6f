import { describe, expect, it } from 'vitest';
import { Outcome } from '../../src/evm/outcome.js';
import type { Wave, WaveFrame } from '../../src/speculation/wave.js';
import { countGpuExits, newSpeculationStats } from '../../src/speculation/stats.js';

/** stats.speculation.fallbacks names why wave frames left the GPU, by outcome. */
describe('countGpuExits', () => {
  const frame = (outcome: number) => ({ result: { outcome } }) as unknown as WaveFrame;

  it('counts the frames the host must run, by outcome, and nothing for frames that finished', () => {
    const outcomes = [Outcome.Stop, Outcome.Revert, Outcome.OutOfGas, Outcome.NeedsHost, Outcome.NeedsHost, Outcome.BudgetExhausted, Outcome.ScratchExhausted];
    const wave = { frames: new Map(outcomes.map((o, i) => [i, frame(o)])) } as unknown as Wave;
    const stats = newSpeculationStats();
    countGpuExits(stats, wave);
    expect(stats.fallbacks).toEqual({ 'gpu:NeedsHost': 2, 'gpu:BudgetExhausted': 1, 'gpu:ScratchExhausted': 1 });
  });

  it('counts nothing without a wave', () => {
    const stats = newSpeculationStats();
    countGpuExits(stats, undefined);
    expect(stats.fallbacks).toEqual({});
  });
});
