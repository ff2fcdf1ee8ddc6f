import type { GpuBlockContext, GpuCall, GpuCallResult } from '../gpu/abi.js';
import { buildCall, type CodeSource } from './gpu-call.js';
import { GPU_RERUN_MAX_STATE_ENTRIES, type GpuRouteConfig } from './gpu-route.js';
import { prelude, type Prelude } from './prelude.js';
import { hexToBytes } from '../primitives/hex.js';
import type { HostRules, TxInputs } from './rules.js';
import { countFallback, type SpeculationStats } from './stats.js';
import type { TxView } from './tx-view.js';
import { runWave, snapshotWorld, type Wave, type WaveExecutors } from './wave.js';
import type { WorldState } from './world-state.js';

export interface GpuSpeculation {
  wave: Wave;
  /** Runs a stale frame again on the GPU from the state it starts from now (engines that rerun on the GPU, small states only). */
  rerun?: (index: number, p: Prelude) => Promise<GpuCallResult | undefined>;
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
}

/**
 * The call with the accounts its own transaction changes before its frame starts (the
 * sender charged, the value moved, authorizations applied), as the prelude computes
 * them on the starting state: the kernel reads them before the snapshot, so a frame
 * that reads or pays its sender or callee holds at commit when nothing before it in
 * the batch changed them. validate.ts compares what the kernel read of them with the
 * prelude at commit. Accounts the prelude deletes are left to the snapshot.
 */
function withStartState(call: GpuCall, g: GpuSpeculationInput, i: number): GpuCall {
  const p = prelude(g.rules, g.views[i]!, g.inputs[i]!, g.world);
  if (!p) return call;
  const overrides = p.atStart.changes().flatMap(([addr, a]) => (a ? [{ address: hexToBytes(addr), balance: a.balance, nonce: a.nonce, code: a.code, codeHash: a.codeHash }] : []));
  return { ...call, overrides };
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
  const calls = new Map<number, { call: GpuCall; source: CodeSource }>();
  g.inputs.forEach((inputs, i) => {
    const source = g.sources[i];
    if (inputs && source && source.code.length > 0) calls.set(i, { call: withStartState(buildCall(g.rules, g.views[i]!, inputs, source), g, i), source });
  });
  g.timings.snapshot = performance.now() - t;
  t = performance.now();
  const wave = await runWave(g.executors, g.block, snapshot, calls);
  g.timings.gpu = performance.now() - t;
  g.stats.waves = calls.size > 0 ? 1 : 0;
  g.stats.gpuFrames = wave.frames.size;

  let entries = snapshot.accounts.size;
  for (const a of snapshot.accounts.values()) entries += a.storage.size;
  // A rerun commits without validation, so it must see the whole state: with a state source it cannot.
  if (!g.route.rerunStale || g.world.hasSource) return { wave };
  const rerun = async (index: number, p: Prelude): Promise<GpuCallResult | undefined> => {
    if (entries > GPU_RERUN_MAX_STATE_ENTRIES) {
      countFallback(g.stats, 'stale-on-large-state');
      return undefined;
    }
    const started = performance.now();
    try {
      const call = buildCall(g.rules, g.views[index]!, p.inputs, p.source);
      const again = await runWave(g.executors, g.block, snapshotWorld(g.world, p.atStart), new Map([[index, { call, source: p.source }]]));
      g.stats.waves++;
      return again.frames.get(index)!.result;
    } catch {
      // A lost or failing device: the CPU gives the identical result.
      countFallback(g.stats, 'device-error');
      return undefined;
    } finally {
      g.timings.gpu += performance.now() - started;
    }
  };
  return { wave, rerun };
}
