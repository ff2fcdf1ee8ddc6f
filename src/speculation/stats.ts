import type { SpeculationStats } from '../model/stats.js';

/** stats.speculation: one shape for every engine built on the speculation core (src/model/stats.ts). */
export type { SpeculationStats };

export function newSpeculationStats(): SpeculationStats {
  return { waves: 0, gpuFrames: 0, gpuCommitted: 0, gpuReruns: 0, hostTransfers: 0, speculated: 0, committedSpeculative: 0, reexecuted: 0, conflicts: 0, inline: 0, hotTargets: 0, tasks: 0, fallbacks: {} };
}

export function countFallback(s: SpeculationStats, why: string): void {
  s.fallbacks[why] = (s.fallbacks[why] ?? 0) + 1;
}
