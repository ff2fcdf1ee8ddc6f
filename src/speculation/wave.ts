import type { GpuAccountState, GpuBlockContext, GpuCall, GpuCallResult, GpuStateSnapshot } from '../gpu/abi.js';
import type { GpuCallExecutor } from '../gpu/executor.js';
import { Outcome } from '../evm/outcome.js';
import { answer, MAX_HOST_ANSWERS, type PrecompileRunner } from './host-calls.js';
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

/** The wave's precompile host: ethereumjs's precompiles, and a count of the runs it answered (stats.speculation.hostPrecompiles). */
export interface WaveHost {
  run: PrecompileRunner;
  answered: number;
}

/**
 * Runs every call at once against `snapshot`; frames that ran out of scratch run again,
 * together, with more room; frames that stopped at a precompile call get the host's
 * answers and run again, together, until none asks (host-calls.ts).
 */
export async function runWave(executors: WaveExecutors, block: GpuBlockContext, snapshot: GpuStateSnapshot, version: number, calls: Map<number, { call: GpuCall; source: CodeSource }>, host?: WaveHost): Promise<Wave> {
  const frames = new Map<number, WaveFrame>();
  if (calls.size === 0) return { snapshot, frames };
  const entries = [...calls].map(([index, c]) => ({ index, ...c }));
  const results = await runRoomy(executors, block, snapshot, entries.map((e) => e.call));
  for (let round = 0; host && round < MAX_HOST_ANSWERS; round++) {
    const asked: number[] = [];
    for (let k = 0; k < entries.length; k++) {
      const request = results[k].hostCall;
      if (results[k].outcome !== Outcome.NeedsHost || !request) continue;
      const a = await answer(host.run, request);
      if (!a) continue;
      host.answered++;
      entries[k].call = { ...entries[k].call, hostAnswers: [...(entries[k].call.hostAnswers ?? []), a] };
      asked.push(k);
    }
    if (asked.length === 0) break;
    const again = await runRoomy(executors, block, snapshot, asked.map((k) => entries[k].call));
    asked.forEach((k, j) => (results[k] = again[j]));
  }
  entries.forEach((e, k) => frames.set(e.index, { call: e.call, source: e.source, result: results[k], snapshot, version }));
  return { snapshot, frames };
}

async function runRoomy(executors: WaveExecutors, block: GpuBlockContext, snapshot: GpuStateSnapshot, calls: GpuCall[]): Promise<GpuCallResult[]> {
  const results = await executors.main.execute(block, snapshot, calls);
  if (executors.roomy) {
    const overflowed = calls.flatMap((_, k) => (results[k].outcome === Outcome.ScratchExhausted ? [k] : []));
    if (overflowed.length > 0) {
      const again = await executors.roomy.execute(block, snapshot, overflowed.map((k) => calls[k]));
      overflowed.forEach((k, j) => (results[k] = again[j]));
    }
  }
  return results;
}
