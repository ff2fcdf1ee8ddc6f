import { needsHost, outcomeName, type OutcomeCode } from '../evm/outcome.js';
import type { SpeculationStats } from '../model/stats.js';
import type { Wave } from './wave.js';

/** stats.speculation: one shape for every engine built on the speculation core (src/model/stats.ts). */
export type { SpeculationStats };

export function newSpeculationStats(): SpeculationStats {
  return { waves: 0, gpuFrames: 0, rerunFrames: 0, hostPrecompiles: 0, gpuCommitted: 0, gpuReruns: 0, hostTransfers: 0, speculated: 0, committedSpeculative: 0, reexecuted: 0, conflicts: 0, inline: 0, hotTargets: 0, tasks: 0, fallbacks: {} };
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
