import type { BloomBatch } from '../chain/bloom-batch.js';
import type { BlockAssembler } from '../engine/block-assembler.js';
import type { Pace } from '../engine/pace.js';
import type { Plan, Route } from './plan.js';
import type { Overlay } from './predicted-state.js';
import { frameOf, pickRerunWave, sweepPatience, type StaleFrame } from './rerun-wave.js';
import type { SlotDeltas } from './chained-slots.js';
import { prelude, runsNoFrame, type Prelude } from './prelude.js';
import type { HostRules, TxInputs } from './rules.js';
import { settleFrame, settleWithoutFrame, type HostCommit } from './settle.js';
import { countFallback, type SpeculationStats } from './stats.js';
import type { TxView } from './tx-view.js';
import { frameHolds, runHolds } from './validate.js';
import type { WaveFrame } from './wave.js';
import type { CpuTxExecutor, TxExecution } from './workers/cpu-executor.js';
import type { WorkerSpeculation } from './workers/speculate.js';
import type { WorldState } from './world-state.js';

/**
 * The ordered validator: walks the batch in block order and commits each transaction
 * from its speculative run when that run still holds in the committed state, or from
 * an exact re-execution on the spot (@ethereumjs/vm against the committed prefix)
 * when it does not. Determinism follows: commit order and re-execution inputs depend
 * only on the batch. One handler per route kind.
 */
export interface CommitContext {
  world: WorldState;
  asm: BlockAssembler;
  /** Receipts' blooms, filled in one batch once the block is assembled: CPU executions leave theirs to it (cpu-executor.ts). */
  blooms: BloomBatch;
  /** Re-executes and decodes; the engine may hand in one that re-executes off the main thread (workers/off-thread.ts). */
  main: Pick<CpuTxExecutor, 'run' | 'decodeOnly'>;
  coinbase: string;
  rules: HostRules | undefined;
  views: (TxView | undefined)[];
  inputs: (TxInputs | undefined)[];
  plan: Plan;
  stats: SpeculationStats;
  /** Milliseconds inside the commit loop, by what they were spent on. */
  clock: { validate: number; reexecute: number; wait: number; host: number };
  /** Runs stale frames again in one GPU wave, from the states they start from now; undefined when the engine does not. */
  rerun?: (stale: Map<number, StaleFrame>, overlay: Overlay) => Promise<Map<number, WaveFrame> | undefined>;
  /** Each transaction's newest frame, where a rerun wave replaced the first wave's. */
  latest: Map<number, WaveFrame>;
  /**
   * Stale frames that skip the rerun sweep, by callee (`to`): after a sweep that found
   * no frame to go with the stale one and whose solo wave was declined as dearer than
   * ethereumjs (a hot contract's chain), the next stale frames to that callee skip it,
   * twice as many after each such sweep (at most SWEEP_BACKOFF_MAX), none again once a
   * wave is taken. Stale frames to other callees still sweep: on the mainnet blocks one
   * backoff for all sent the next, unrelated and heavy, stale transaction to ethereumjs
   * after a declined solo wave of a short frame (block 19933612 tx 92: 67 ms); kept per
   * callee, a hot pool's transfers and swaps each keep their own.
   */
  backoff?: Map<string, { skip: number; next: number }>;
  /** Frames the last rerun sweep took: the next sweep's patience follows it (rerun-wave.ts: sweepPatience). */
  lastSweep?: number;
  /** What the batch's reruns showed of which slots take deltas (chained-slots.ts); none: no chains in a wave. */
  deltas?: SlotDeltas;
  /** The CPU worker route, when the engine speculates on workers. */
  workers?: WorkerSpeculation;
  /** Called before each transaction: yields to the event loop now and then, and throws once the batch is abandoned (engine/pace.ts). */
  pace?: Pace;
}

type Handler<K extends Route['kind']> = (c: CommitContext, index: number, route: Extract<Route, { kind: K }>) => Promise<void>;

export async function commitInOrder(c: CommitContext): Promise<void> {
  for (let i = 0; i < c.plan.routes.length; i++) {
    await c.pace?.();
    if (c.workers && i % c.workers.chunkSize === 0) c.workers.advance(i / c.workers.chunkSize);
    const route = c.plan.routes[i];
    await (HANDLERS[route.kind] as Handler<typeof route.kind>)(c, i, route);
  }
}

function commitHost(c: CommitContext, done: HostCommit): void {
  c.world.apply(done.writes, c.coinbase);
  c.asm.include(done.tx);
}

function commitExecution(c: CommitContext, index: number, ex: TxExecution): void {
  if (ex.kind === 'included') {
    c.world.apply(ex.writes, c.coinbase);
    c.asm.include({ ...ex.tx, logsBloom: c.blooms.defer(ex.tx.logs) });
  } else c.asm.reject(index, ex.rejection);
}

/** The exact path: @ethereumjs/vm against the committed prefix. */
async function reexecute(c: CommitContext, index: number): Promise<TxExecution> {
  const t = performance.now();
  const ex = await c.main.run(index, c.world, c.asm.gasUsed);
  commitExecution(c, index, ex);
  c.clock.reexecute += performance.now() - t;
  return ex;
}

/** The block's blob gas limit is checked before a transaction runs, as the sequential run does. */
function overBlobLimit(c: CommitContext, index: number, blobGas: bigint): boolean {
  if (!c.asm.exceedsBlobGas(blobGas)) return false;
  c.asm.rejectForBlobGas(index, blobGas);
  return true;
}

/**
 * The host's routes: the transaction rules on the committed state (prelude, settle),
 * the transaction's newest frame when it still holds, else a rerun wave on the GPU
 * where the engine has one; a transaction that runs no frame needs none of it.
 * Anything the host does not replay is re-executed on @ethereumjs/vm.
 */
async function onHost(c: CommitContext, i: number, first: WaveFrame | undefined, offPath: string): Promise<void> {
  const view = c.views[i]!;
  const inputs = c.inputs[i]!;
  if (overBlobLimit(c, i, inputs.blobGas)) return;
  const th = performance.now();
  const p = prelude(c.rules!, view, inputs, c.world);
  const noFrame = p !== undefined && runsNoFrame(p, view);
  const frame = c.latest.get(i) ?? first;
  let done = noFrame ? settleWithoutFrame(c.rules!, i, view, p) : p && frame && frameHolds(frame, p) ? settleFrame(c.rules!, i, view, p, frame) : undefined;
  let rerun = done !== undefined && !noFrame && c.latest.has(i);
  if (frame?.call.slotOverrides && p && !noFrame) c.deltas?.chainCommitted(done !== undefined);
  c.clock.host += performance.now() - th;
  if (!done && p && !noFrame && c.rerun && !skipsSweep(c, inputs.to)) {
    const again = await rerunWave(c, i, p);
    done = again && frameHolds(again, p) ? settleFrame(c.rules!, i, view, p, again) : undefined;
    rerun = done !== undefined;
  }
  if (rerun) c.stats.gpuReruns++;
  if (done) {
    commitHost(c, done);
    if (noFrame) c.stats.hostTransfers++;
    else c.stats.gpuCommitted++;
    return;
  }
  countFallback(c.stats, offPath);
  const ex = await reexecute(c, i);
  // What ethereumjs wrote, against the stale frame, shows which slots take deltas (chained-slots.ts).
  const stale = c.latest.get(i) ?? first;
  if (c.deltas && stale && ex.kind === 'included') c.deltas.learnFromExecution(stale.source.key, stale.result, ex.reads.storage, ex.writes.storage);
}

/**
 * The stale frame at `i` and the later frames ready to rerun (rerun-wave.ts) run again
 * in one dispatch: the stale one from its start state on the committed state, the
 * others from theirs on the state the commit is predicted to reach, with what the
 * transactions predicted to hold write laid over the committed state;
 * their new frames replace the old ones for their own commits.
 */
async function rerunWave(c: CommitContext, i: number, p: Prelude): Promise<WaveFrame | undefined> {
  const th = performance.now();
  const scope = { routes: c.plan.routes, views: c.views, inputs: c.inputs, rules: c.rules!, coinbase: c.coinbase, latest: c.latest, world: c.world, patience: sweepPatience(c.lastSweep), deltas: c.deltas };
  const pick = pickRerunWave(scope, i, p);
  c.lastSweep = pick.frames.size;
  c.clock.host += performance.now() - th;
  let frames = await c.rerun!(pick.frames, pick.overlay);
  const backoff = (c.backoff ??= new Map());
  if (frames) backoff.clear();
  else if (pick.frames.size === 1) {
    const b = backoff.get(p.inputs.to) ?? { skip: 0, next: 1 };
    backoff.set(p.inputs.to, { skip: b.next, next: Math.min(2 * b.next, SWEEP_BACKOFF_MAX) });
  }
  for (const [j, f] of frames ?? []) {
    const before = frameOf(scope, j);
    if (before && c.deltas) c.deltas.learn(before.source.key, before.result, f.result);
    c.latest.set(j, f);
  }
  const again = frames?.get(i);
  if (!again || frameHolds(again, p) || pick.frames.size === 1) return again;
  // Its rerun read what the overlay predicts for a later transaction: alone on the committed state, it holds.
  frames = await c.rerun!(new Map([[i, pick.frames.get(i)!]]), NO_OVERLAY);
  if (frames?.get(i)) c.latest.set(i, frames.get(i)!);
  return frames?.get(i);
}

export const SWEEP_BACKOFF_MAX = 64;

function skipsSweep(c: CommitContext, to: string): boolean {
  const b = c.backoff?.get(to);
  if (!b || b.skip === 0) return false;
  b.skip--;
  countFallback(c.stats, 'stale-cheaper-on-cpu');
  return true;
}

const NO_OVERLAY = { accounts: new Map(), slots: new Map() };

const frame: Handler<'frame'> = (c, i, route) => onHost(c, i, route.frame, 'stale-or-unplain-frame');
const transfer: Handler<'transfer'> = (c, i) => onHost(c, i, undefined, 'unplain-transfer');

/**
 * The CPU routes: decodes (or takes the worker's verdict), checks the blob limit, and
 * commits a speculative run whose reads still hold, or re-executes.
 */
async function onCpu(c: CommitContext, i: number, ex: TxExecution | undefined): Promise<void> {
  const tv = performance.now();
  const decoded = ex ?? (await c.main.decodeOnly(i));
  if (decoded.kind === 'undecodable') {
    c.asm.reject(i, decoded.rejection);
    return;
  }
  if (overBlobLimit(c, i, decoded.blobGas)) return;
  const holds = ex !== undefined && ex.kind !== 'undecodable' && runHolds(c.world, ex.reads);
  c.clock.validate += performance.now() - tv;
  if (holds) {
    c.stats.committedSpeculative++;
    commitExecution(c, i, ex);
    return;
  }
  if (ex) c.workers!.noteConflict(i);
  else c.stats.inline++;
  await reexecute(c, i);
}

const worker: Handler<'worker'> = async (c, i) => {
  const tw = performance.now();
  const ex = await c.workers?.result(i);
  c.clock.wait += performance.now() - tw;
  return onCpu(c, i, ex);
};
const inline: Handler<'inline'> = (c, i) => onCpu(c, i, undefined);

const HANDLERS: { [K in Route['kind']]: Handler<K> } = { frame, transfer, worker, inline };
