import { BloomBatch } from '../chain/bloom-batch.js';
import { SlotDeltas } from './chained-slots.js';
import { ServiceError } from '../errors/service-error.js';
import { cpuHasher, type BatchHasher } from '../chain/hasher.js';
import { receiptsRoot } from '../chain/roots.js';
import { computeStateDiff } from '../chain/state-diff.js';
import { stateRootOf } from '../chain/state-root.js';
import { BlockAssembler } from '../engine/block-assembler.js';
import { since, type Engine, type ExecuteOptions } from '../engine/engine.js';
import { pacer } from '../engine/pace.js';
import { ReferenceEngine } from '../engine/reference.js';
import { baseStats, batchResult } from '../engine/result.js';
import { isRejection } from '../chain/transaction.js';
import { txRulesApply } from '../evm/tx-rules.js';
import { gpuBlockContext } from '../gpu/block-context.js';
import { isGpuFork } from '../gpu/interpreter-wgsl.js';
import { gpuHasher } from '../gpu/keccak-batch.js';
import type { GpuRuntime, GpuSession } from '../gpu/runtime.js';
import { forkAtLeast, type Fork } from '../model/fork.js';
import type { Batch, BatchResult } from '../model/shapes.js';
import type { GpuRouteState, SpeculationStats } from '../model/stats.js';
import { bytesToHex } from '../primitives/hex.js';
import { commitInOrder, type CommitContext } from './commit.js';
import { gpuRouteState, hostAnswers, openGpuRoute, type GpuRouteConfig } from './gpu-route.js';
import { frameCode, type CodeSource } from './gpu-call.js';
import { prelude } from './prelude.js';
import { planRoutes } from './plan.js';
import { hostRules, txInputs, type HostRules, type TxInputs } from './rules.js';
import { countFallback, countGpuExits, newSpeculationStats } from './stats.js';
import { runsFrame, speculateOnGpu, type GpuSpeculation } from './gpu-speculation.js';
import { txViews, type TxView } from './tx-view.js';
import { CpuTxExecutor } from './workers/cpu-executor.js';
import { shareBatch, type SharedBatch } from './workers/share.js';
import { OffThreadReexecution, OffThreadReference, TrackedWorld } from './workers/off-thread.js';
import { WorkerSpeculation } from './workers/speculate.js';
import type { CpuWorkerPool } from './workers/worker-pool.js';
import { worldDiffSource } from './world-diff.js';
import { WorldState } from './world-state.js';

/** What the commit leaves for the diff and the roots. */
interface Committed {
  world: WorldState;
  asm: BlockAssembler;
  blooms: BloomBatch;
  /** The GPU session the wave ran on, whose hasher the roots use. */
  session: GpuSession | undefined;
  /** Worker threads speculated on (stats.workers). */
  workers: number;
}

/** Receipts carry a per-transaction state root before Byzantium: those batches run sequentially. */
export const PARALLEL_MIN_FORK: Fork = 'Byzantium';

/**
 * What makes one engine of the speculation core differ from another. Engines are
 * configurations of one core, not copies (src/registry/engines.ts names them).
 */
export interface SpeculationConfig {
  name: string;
  description: string;
  /** The GPU route; absent: no GPU at all. */
  gpu?: GpuRouteConfig;
  /** Speculate on CPU worker threads; without them, what the GPU and the host rules do not take runs in order on the main thread. */
  workers: boolean;
  /** Decode signed transactions (recover senders) on the main thread when the batch has at most this many; beyond that the worker pool recovers them in parallel. */
  decodeSignedUpTo: number;
  /** Batches smaller than this speculate on no worker (a worker round trip costs more). */
  speculateFrom: number;
  /** Transactions per worker task. */
  chunk: number;
  /** Tasks kept in flight per worker thread, ahead of the commit. */
  aheadPerThread: number;
}

export interface SpeculationDeps {
  /** The GPU, owned by the registry; required when the configuration has a GPU route. */
  gpu?: GpuRuntime;
  /** CPU worker threads, owned by the registry; required when the configuration speculates on workers. */
  pool?: CpuWorkerPool;
  /** Batches wait for GPU kernels still being made also on engines that may run on the CPU (tests: the route taken whatever the timing). */
  waitForKernels?: boolean;
}

/**
 * The speculation core. Every transaction is first run speculatively against the
 * batch's starting state: frames in one GPU wave, transactions that run no frame by
 * the host's rules, the rest on @ethereumjs/vm in worker threads (plan.ts). The main
 * thread then walks the batch in block order and commits each transaction whose run
 * still holds, re-executing any other on the spot against the committed prefix
 * (commit.ts, docs/architecture.md), which makes the result exact.
 */
export class SpeculativeEngine implements Engine {
  readonly name: string;
  readonly description: string;
  /** Batches before Byzantium; on an exec thread when the engine has the worker pool. */
  private readonly sequential: Engine;

  constructor(
    readonly config: SpeculationConfig,
    private readonly deps: SpeculationDeps = {},
  ) {
    this.name = config.name;
    this.description = config.description;
    this.sequential = deps.pool ? new OffThreadReference(deps.pool.exec) : new ReferenceEngine();
    if (config.gpu && !deps.gpu) throw new Error(`engine ${config.name} needs a GPU runtime`);
    if (config.workers && !deps.pool) throw new Error(`engine ${config.name} needs a worker pool`);
  }

  async execute(batch: Batch, opts: ExecuteOptions = {}): Promise<BatchResult> {
    if (opts.state) refuseSource(this.name, batch);
    if (!forkAtLeast(batch.fork, PARALLEL_MIN_FORK)) {
      const r = await this.sequential.execute(batch, opts);
      return { ...r, stats: { ...r.stats, mode: 'sequential', engine: this.name, sequentialBefore: PARALLEL_MIN_FORK } };
    }
    const timings: Record<string, number> = {};
    const stats = newSpeculationStats();
    // Everything speculative (views, the wave's results, the plan) stays inside
    // speculateAndCommit and is garbage once it returns: a 100k batch's roots and diff
    // would otherwise run beside hundreds of MB of it, which every major GC marks.
    const { world, asm, blooms, session, workers } = await this.speculateAndCommit(batch, opts, timings, stats);

    let t = performance.now();
    const diffSource = worldDiffSource(world);
    const stateDiff = await computeStateDiff(diffSource, world.startingAccounts(diffSource.written));
    timings.diff = since(t);

    t = performance.now();
    const hash = await this.sessionHasher(session);
    // The state root shares nothing with the blooms and the receipts root: they run
    // together, so one's hashing on the GPU overlaps the other's encoding on the CPU.
    const [stateRoot, rRoot] = await Promise.all([
      batch.options.stateRoot ? stateRootOf(world.entries(), hash) : null,
      blooms.fill(hash).then(() => receiptsRoot(asm.receipts, hash)),
    ]);
    timings.roots = since(t);

    return batchResult(asm, { stateDiff, stateRoot, receiptsRoot: rRoot }, {
      ...baseStats(this.name, batch, asm, timings),
      mode: 'speculative',
      workers,
      speculation: stats,
      ...(opts.state ? { stateSource: world.loads } : {}),
    });
  }

  /** Speculates every transaction and commits them in order: the committed world, the receipts and blooms, the GPU session used, the worker threads speculated on. */
  private async speculateAndCommit(batch: Batch, opts: ExecuteOptions, timings: Record<string, number>, stats: SpeculationStats): Promise<Committed> {
    let t = performance.now();
    const main = await CpuTxExecutor.create(batch, 'cpu');
    const common = main.common;
    // With the pool, re-executions run on an exec thread against a copy of this state
    // (workers/off-thread.ts); not with a state source, which only this thread reads.
    const pool = this.deps.pool;
    const world = pool && !opts.state ? new TrackedWorld(batch.pre) : new WorldState(batch.pre, opts.state);
    const coinbase = bytesToHex(batch.env.coinbase);
    const start = await main.systemWrites(world);
    world.apply(start, coinbase);
    const header = main.ethBlock.header;
    const asm = BlockAssembler.forBlock(common, header);
    const blooms = new BloomBatch();
    // The host's transaction rules run on the kernel's forks only (EIP-2929 throughout).
    const rules: HostRules | undefined = isGpuFork(batch.fork) && txRulesApply(common)
      ? hostRules(common, batch.env, common.isActivatedEIP(4844) ? header.getBlobGasPrice() : 0n, main.precompiles(), blooms)
      : undefined;
    timings.setup = since(t);

    t = performance.now();
    let shared: SharedBatch | undefined;
    const share = () => (shared ??= shareBatch({ batch, start, engine: 'cpu' }));
    const views = rules ? await txViews(batch, main, { decodeSignedUpTo: this.config.decodeSignedUpTo, pool: this.deps.pool, shared: share }) : [];
    const inputs: (TxInputs | undefined)[] = batch.txs.map((input, i) => {
      const view = views[i];
      // Decoding is the reference's first check: ethereumjs checks the fields of an unsigned blob or set-code transaction first.
      if (!rules || !view || (input.kind === 'unsigned' && view.tx.type >= 3n && isRejection(main.preparedTx(i)))) return undefined;
      return txInputs(rules, view);
    });
    const sources: (CodeSource | undefined)[] = inputs.map((inp, i) => (inp ? startingCode(rules!, views[i]!, inp, world) : undefined));
    timings.decode = since(t);

    t = performance.now();
    let session: GpuSession | undefined;
    let gpu: GpuSpeculation | undefined;
    // A batch with no code to run (plain transfers) leaves the GPU closed, unless the engine
    // requires one: opening it compiles the kernels, a minute on a cold lavapipe cache.
    const gpuWork = inputs.some((_, i) => runsFrame(inputs, sources, i));
    if (this.config.gpu && rules && (gpuWork || this.config.gpu.required)) {
      try {
        // An engine that may run on the CPU does not wait for kernels still being made.
        const route = await openGpuRoute(this.deps.gpu!, this.config.gpu, this.name, this.config.gpu.required || this.deps.waitForKernels === true);
        if (route === 'preparing') countFallback(stats, 'gpu-preparing');
        else if (route) {
          session = route.session;
          gpu = await speculateOnGpu({ route: this.config.gpu, executors: route.executors, block: gpuBlockContext(batch, main.ethBlock), rules, views, inputs, sources, world, stats, timings, precompiles: (a, input, gas) => main.runPrecompile(a, input, gas), maxHostAnswers: hostAnswers(this.config.gpu, route.session.ctx.software), signal: opts.signal });
        }
      } catch (e) {
        // No device at all for an engine that requires one: ENGINE_UNAVAILABLE (openGpuRoute).
        if (e instanceof ServiceError) throw e;
        // A lost or failing device: the same transactions take the CPU routes, with the same results.
        countFallback(stats, 'device-error');
        gpu = undefined;
      }
    }
    // A wave cannot be stopped half-way; an abandoned batch stops once it is back.
    opts.signal?.throwIfAborted();
    const plan = planRoutes({ batch, views, inputs, sources, wave: gpu?.wave, workers: this.config.workers });
    countGpuExits(stats, gpu?.wave);
    timings.plan = since(t) - (timings.gpu ?? 0) - (timings.snapshot ?? 0);

    const n = batch.txs.length;
    const speculate = this.config.workers && n >= this.config.speculateFrom;
    const workers = speculate ? new WorkerSpeculation(pool!, batch, share, plan, stats, { chunk: this.config.chunk, ahead: this.config.aheadPerThread * pool!.threads, signal: opts.signal }) : undefined;
    const clock = { validate: 0, reexecute: 0, wait: 0, host: 0 };
    // Re-executions run on an exec thread when the engine has the pool: one runTx may
    // take seconds to minutes, and ethereumjs never yields inside it.
    const offThread = world instanceof TrackedWorld ? new OffThreadReexecution(pool!.exec, main, world, opts.signal) : undefined;
    const pace = pacer(opts.signal);
    const ctx: CommitContext = { world, asm, blooms, main: offThread ?? main, coinbase, rules, views, inputs, plan, stats, clock, rerun: gpu?.rerun, latest: new Map(), deltas: new SlotDeltas(), workers, pace };
    t = performance.now();
    try {
      await commitInOrder(ctx);
    } finally {
      offThread?.release();
    }
    stats.reexecutedAhead = offThread?.ranAhead ?? 0;
    timings.execute = since(t);
    for (const [k, v] of Object.entries(clock)) timings[k] = Math.round(v * 1000) / 1000;
    for (const k of ['gpu', 'snapshot']) if (timings[k] !== undefined) timings[k] = Math.round(timings[k] * 1000) / 1000;

    return { world, asm, blooms, session, workers: speculate ? pool!.threads : 0 };
  }

  async warmUp(): Promise<boolean> {
    if (!this.config.gpu) return false;
    try {
      const route = await openGpuRoute(this.deps.gpu!, this.config.gpu, this.name);
      if (route === 'preparing') return false;
      // The buffers a full group needs, made and zero-filled now rather than in the first large batch.
      await route?.executors.main.reserve();
      return route !== undefined;
    } catch {
      return false;
    }
  }

  hasher(): Promise<BatchHasher> {
    return this.sessionHasher(undefined);
  }

  /** Where this engine's GPU route stands (GET /healthz). */
  gpuRoute(): GpuRouteState {
    return this.config.gpu ? gpuRouteState(this.deps.gpu!, this.config.gpu) : 'none';
  }

  /**
   * Blooms and roots hash on the GPU when the batch ran there or the engine's route is
   * ready (its warm-up compiled the hasher); the CPU otherwise, with the same digests.
   */
  private async sessionHasher(session: GpuSession | undefined): Promise<BatchHasher> {
    if (!this.config.gpu || (session === undefined && this.gpuRoute() !== 'ready')) return cpuHasher;
    try {
      return gpuHasher(session ?? (await this.deps.gpu!.session()));
    } catch {
      return cpuHasher;
    }
  }

  /** The registry owns the GPU and the worker pool: an engine has nothing of its own to close. */
  async close(): Promise<void> {}
}

/** A batch with a state source needs the core's parallel path, and no root of the whole state. */
function refuseSource(engine: string, batch: Batch): void {
  if (!forkAtLeast(batch.fork, PARALLEL_MIN_FORK)) throw new ServiceError('STATE_SOURCE_UNSUPPORTED', [engine, `batches before ${PARALLEL_MIN_FORK} run on the reference`]);
  if (batch.options.stateRoot) throw new ServiceError('STATE_SOURCE_UNSUPPORTED', [engine, 'the state root needs the whole state: run with options.stateRoot false']);
}

/**
 * The code a transaction is expected to run, from the starting state: a set-code
 * transaction's own authorizations come first (they may give its callee code), when
 * they apply to the starting state; otherwise the callee's code as it stands.
 */
function startingCode(r: HostRules, view: TxView, inputs: TxInputs, world: WorldState): CodeSource | undefined {
  if (view.tx.authorizationList) {
    const p = prelude(r, view, inputs, world);
    if (p) return p.source;
  }
  return frameCode(r, view, inputs, world);
}
