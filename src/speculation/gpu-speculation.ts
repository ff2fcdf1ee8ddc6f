import type { GpuBlockContext, GpuCall, GpuHostAnswer } from '../gpu/abi.js';
import { START_ROOMY_UP_TO_CALLS } from '../gpu/limits.js';
import { buildCall, type CodeSource } from './gpu-call.js';
import { rerunCheaper, stateEntries, type GpuRouteConfig } from './gpu-route.js';
import { prelude, type Prelude } from './prelude.js';
import { hexToBytes } from '../primitives/hex.js';
import type { HostRules, TxInputs } from './rules.js';
import { countFallback, recordWave, type SpeculationStats } from './stats.js';
import type { TxView } from './tx-view.js';
import { runWave, snapshotWorld, type Wave, type WaveExecutors, type WaveFrame, type WaveHost } from './wave.js';
import type { PrecompileRunner } from './host-calls.js';
import type { Overlay } from './predicted-state.js';
import type { StaleFrame } from './rerun-wave.js';
import type { WorldState } from './world-state.js';

export interface GpuSpeculation {
  wave: Wave;
  /**
   * Runs stale frames again, in one GPU dispatch, against the committed state of the
   * moment, each from its own start state (its prelude); undefined when the engine does
   * not rerun on the GPU, or the wave is not worth its state upload (gpu-route.ts, rerunCheaper).
   */
  rerun?: (stale: Map<number, StaleFrame>, overlay: Overlay) => Promise<Map<number, WaveFrame> | undefined>;
}


export interface GpuSpeculationInput {
  route: GpuRouteConfig;
  executors: WaveExecutors;
  block: GpuBlockContext;
  rules: HostRules;
  views: (TxView | undefined)[];
  inputs: (TxInputs | undefined)[];
  /** The code each transaction runs in the starting state. */
  sources: (CodeSource | undefined)[];
  world: WorldState;
  stats: SpeculationStats;
  timings: Record<string, number>;
  /** Runs the precompile calls the kernel leaves to the host (host-calls.ts). */
  precompiles: PrecompileRunner;
  /** Answers one call may get (gpu-route.ts: hostAnswers). */
  maxHostAnswers: number;
  /** The batch's abort signal, checked between a wave's dispatches. */
  signal?: AbortSignal;
}

/**
 * The call with the accounts its own transaction changes before its frame starts (the
 * sender charged, the value moved, authorizations applied), as the prelude computes
 * them on the committed state: the kernel reads them before the snapshot, so a frame
 * that reads or pays its sender or callee holds at commit when nothing before it in
 * the batch changed them. validate.ts compares what the kernel read of them with the
 * prelude at commit. Accounts the prelude deletes are left to the snapshot.
 */
function startCall(rules: HostRules, view: TxView, p: Prelude, call = buildCall(rules, view, p.inputs, p.source)): GpuCall {
  const overrides = p.atStart.changes().flatMap(([addr, a]) => (a ? [{ address: hexToBytes(addr), balance: a.balance, nonce: a.nonce, code: a.code, codeHash: a.codeHash }] : []));
  return overrides.length > 0 ? { ...call, overrides } : call;
}

/** A rerun's call starts with the previous run's answers to its precompile calls: those whose input is unchanged spare it a round. */
function withAnswers(call: GpuCall, hostAnswers: GpuHostAnswer[] | undefined): GpuCall {
  return hostAnswers && hostAnswers.length > 0 ? { ...call, hostAnswers } : call;
}

/** A chained rerun's call starts from the slot values the chain predicts (chained-slots.ts). */
function withStartSlots(call: GpuCall, slotOverrides: GpuCall['slotOverrides']): GpuCall {
  return slotOverrides && slotOverrides.length > 0 ? { ...call, slotOverrides } : call;
}

/** The first wave's call: with the start state when the prelude's checks pass on the starting state. */
function firstCall(g: GpuSpeculationInput, i: number, source: CodeSource): GpuCall {
  const call = buildCall(g.rules, g.views[i]!, g.inputs[i]!, source);
  const p = prelude(g.rules, g.views[i]!, g.inputs[i]!, g.world);
  return p ? startCall(g.rules, g.views[i]!, p, call) : call;
}

/** Whether transaction `i` has a frame for the wave: the host's rules cover it and it runs code. */
export function runsFrame(inputs: readonly (TxInputs | undefined)[], sources: readonly (CodeSource | undefined)[], i: number): boolean {
  const source = sources[i];
  return inputs[i] !== undefined && source !== undefined && source.code.length > 0;
}

/**
 * The GPU route of a batch: every transaction the host's rules cover and that runs
 * code has its frame run in one wave against the starting state. Engines that rerun
 * stale frames on the GPU get a `rerun` that builds the call again from the state the
 * transaction starts from, with the same builder.
 */
export async function speculateOnGpu(g: GpuSpeculationInput): Promise<GpuSpeculation> {
  let t = performance.now();
  const snapshot = snapshotWorld(g.world);
  const calls = new Map<number, { call: GpuCall; source: CodeSource; room: number }>();
  g.inputs.forEach((_, i) => {
    if (runsFrame(g.inputs, g.sources, i)) calls.set(i, { call: firstCall(g, i, g.sources[i]!), source: g.sources[i]!, room: 0 });
  });
  // A block's frames often overflow the default room, sized for waves of 10^4 calls
  // (limits.ts: BLOCK_LIMITS): a small first wave starts in the next one, and so do its
  // frames' reruns (WaveFrame.room). A rerun wave of frames that fit the defaults stays there.
  if (g.executors.rooms?.length && calls.size <= START_ROOMY_UP_TO_CALLS) for (const c of calls.values()) c.room = 1;
  g.timings.snapshot = performance.now() - t;
  t = performance.now();
  const host: WaveHost = { run: g.precompiles, answered: 0, maxAnswers: g.maxHostAnswers };
  const wave = await runWave(g.executors, g.block, snapshot, calls, host, g.signal);
  g.stats.hostPrecompiles = host.answered;
  g.timings.gpu = performance.now() - t;
  if (calls.size > 0) recordWave(g.stats, wave, g.timings.gpu);
  g.stats.gpuFrames = wave.frames.size;

  // With a state source, a rerun's snapshot holds `pre` and what validation has read through the source so far (WorldState.entries).
  if (g.route.rerunStale === 'never') return { wave };
  const entries = stateEntries(snapshot);
  const rerun = async (stale: Map<number, StaleFrame>, overlay: Overlay): Promise<Map<number, WaveFrame> | undefined> => {
    const started = performance.now();
    try {
      // The state's size as the batch started: commits change it little.
      if (g.route.rerunStale === 'cheaper' && !rerunCheaper(entries, [...stale.values()].map((s) => s.steps))) {
        countFallback(g.stats, 'stale-cheaper-on-cpu');
        return undefined;
      }
      const now = snapshotWorld(g.world, overlay);
      const calls = new Map([...stale].map(([i, { prelude: p, room, hostAnswers, slotOverrides }]) => [i, { call: withStartSlots(withAnswers(startCall(g.rules, g.views[i]!, p), hostAnswers), slotOverrides), source: p.source, room }]));
      const tw = performance.now();
      const again = await runWave(g.executors, g.block, now, calls, host, g.signal);
      g.stats.hostPrecompiles = host.answered;
      recordWave(g.stats, again, performance.now() - tw);
      g.stats.rerunFrames += calls.size;
      for (const f of stale.values()) if (f.slotOverrides) g.stats.chainedFrames++;
      return again.frames;
    } catch (e) {
      if (g.signal?.aborted) throw e;
      // A lost or failing device: the CPU gives the identical result.
      countFallback(g.stats, 'device-error');
      return undefined;
    } finally {
      g.timings.gpu += performance.now() - started;
    }
  };
  return { wave, rerun };
}
