import type { GpuAccountState, GpuBlockContext, GpuCall, GpuCallResult, GpuStateSnapshot } from '../gpu/abi.js';
import type { GpuCallExecutor } from '../gpu/executor.js';
import { Outcome } from '../evm/outcome.js';
import type { CodeSource } from './gpu-call.js';
import type { AccountOverlay } from './overlay.js';
import type { WorldState } from './world-state.js';

/**
 * A wave: many transactions' frames run at once on the GPU against one state
 * snapshot. The first wave runs every frame against the batch's starting state; a
 * rerun wave runs stale frames again against the committed state of the moment
 * (rerun-wave.ts).
 */
export interface WaveFrame {
  call: GpuCall;
  /** The code it ran: a commit compares it with the code the transaction starts now. */
  source: CodeSource;
  result: GpuCallResult;
  /** The state it ran against, and the world's write version then (WriteVersions). */
  snapshot: GpuStateSnapshot;
  version: number;
}

export interface Wave {
  snapshot: GpuStateSnapshot;
  frames: Map<number, WaveFrame>;
}

/** The executors a wave runs on: the default room, and more room for frames that overflow it (when the engine escalates). */
export interface WaveExecutors {
  main: GpuCallExecutor;
  roomy?: GpuCallExecutor;
}

/** The committed state in the executor's form (accounts share the world's storage maps: the executor only reads them). */
export function snapshotWorld(world: WorldState, overlay?: AccountOverlay): GpuStateSnapshot {
  const accounts = new Map<string, GpuAccountState>();
  for (const [addr, a] of world.entries()) accounts.set(addr, a);
  for (const [addr, a] of overlay?.changes() ?? []) {
    if (!a) accounts.delete(addr);
    else accounts.set(addr, { ...a, storage: accounts.get(addr)?.storage ?? new Map() });
  }
  return { accounts };
}

/** Runs every call at once against `snapshot`; frames that ran out of scratch run again, together, with more room. */
export async function runWave(executors: WaveExecutors, block: GpuBlockContext, snapshot: GpuStateSnapshot, version: number, calls: Map<number, { call: GpuCall; source: CodeSource }>): Promise<Wave> {
  const frames = new Map<number, WaveFrame>();
  if (calls.size === 0) return { snapshot, frames };
  const entries = [...calls];
  const results = await executors.main.execute(block, snapshot, entries.map(([, c]) => c.call));
  if (executors.roomy) {
    const overflowed = entries.flatMap((e, k) => (results[k].outcome === Outcome.ScratchExhausted ? [k] : []));
    if (overflowed.length > 0) {
      const again = await executors.roomy.execute(block, snapshot, overflowed.map((k) => entries[k][1].call));
      overflowed.forEach((k, j) => (results[k] = again[j]));
    }
  }
  entries.forEach(([index, c], k) => frames.set(index, { ...c, result: results[k], snapshot, version }));
  return { snapshot, frames };
}
