import { needsHost, outcomeName, type OutcomeCode } from '../evm/outcome.js';
import type { SpeculationStats, WaveStats } from '../model/stats.js';
import type { Wave } from './wave.js';

/** stats.speculation: one shape for every engine built on the speculation core (src/model/stats.ts). */
export type { SpeculationStats };

export function newSpeculationStats(): SpeculationStats {
  return { waves: 0, perWave: [], gpuFrames: 0, rerunFrames: 0, chainedFrames: 0, hostPrecompiles: 0, gpuCommitted: 0, gpuReruns: 0, hostTransfers: 0, speculated: 0, committedSpeculative: 0, reexecuted: 0, conflicts: 0, inline: 0, reexecutedAhead: 0, hotTargets: 0, tasks: 0, fallbacks: {} };
}

/** Waves reported one by one in stats.speculation.perWave: a contended batch may run hundreds, and a response stays small. */
export const PER_WAVE_MAX = 64;

/** Counts a wave that ran, and reports it in perWave while there is room. */
export function recordWave(s: SpeculationStats, wave: Wave, ms: number): void {
  s.waves++;
  if (s.perWave.length >= PER_WAVE_MAX) return;
  const t = wave.tally;
  const round = (x: number) => Math.round(x * 10) / 10;
  const w: WaveStats = { frames: wave.frames.size, submits: t.submits, hostRounds: wave.hostRounds, ms: round(ms), prepareMs: round(t.prepareMs), deviceMs: round(t.deviceMs), unpackMs: round(t.unpackMs) };
  s.perWave.push(w);
}

export function countFallback(s: SpeculationStats, why: string): void {
  s.fallbacks[why] = (s.fallbacks[why] ?? 0) + 1;
}

/**
 * The wave's frames that ended without a result the host can commit, by outcome
 * (`gpu:NeedsHost`: a precompile call or what else the kernel leaves to the host,
 * `gpu:BudgetExhausted`, `gpu:ScratchExhausted`): what still sends transactions
 * off the GPU.
 */
export function countGpuExits(s: SpeculationStats, wave: Wave | undefined): void {
  for (const frame of wave?.frames.values() ?? []) {
    const outcome = frame.result.outcome as OutcomeCode;
    if (needsHost(outcome)) countFallback(s, `gpu:${outcomeName(outcome)}`);
  }
}
