import { serialize } from 'node:v8';
import { computeStateDiff } from '../chain/state-diff.js';
import { stateRootOf } from '../chain/state-root.js';
import { BloomBatch } from '../chain/bloom-batch.js';
import { cpuHasher, type BatchHasher } from '../chain/hasher.js';
import { gpuHasher, warmUpGpuHasher } from '../gpu/keccak-batch.js';
import { logsHash, orBlooms, receiptsRoot } from '../chain/roots.js';
import { since, type Engine } from '../engine/engine.js';
import { ReferenceEngine } from '../engine/reference.js';
import { countEngines } from '../engine/executed-tx.js';
import { needsHost, type OutcomeCode } from '../evm/outcome.js';
import { gpuBlockContext } from '../gpu/block-context.js';
import { GpuCallExecutor } from '../gpu/call-executor.js';
import { closeGpu, gpuContext } from '../gpu/device.js';
import { forkAtLeast, type Fork } from '../model/fork.js';
import type { Batch, BatchResult } from '../model/shapes.js';
import { bytesToHex } from '../primitives/hex.js';
import { BlockAssembler } from '../engine/block-assembler.js';
import { CpuTxExecutor, type TxExecution } from './workers/cpu-executor.js';
import { runWave, snapshotWorld, waveCalls, type Wave } from './wave.js';
import { commitFrame, commitTransfer, hostRulesApply, txGasSchedule, type HostCommit, type HostRules } from './host-rules.js';
import { CpuWorkerPool } from './workers/worker-pool.js';
import type { SpeculationPayload } from './workers/worker.js';
import { worldDiffSource } from './world-diff.js';
import { WorldState } from './world-state.js';
import { plainFields, type PlainTx } from './tx-view.js';

/** Receipts carry a per-transaction state root before Byzantium: those batches run sequentially. */
export const PARALLEL_MIN_FORK: Fork = 'Byzantium';
/** The interpreter kernel implements the rules from Berlin on. */
const GPU_MIN_FORK: Fork = 'Berlin';

export interface ParallelOptions {
  /** `auto` runs plain calls' frames on the GPU; `cpu` uses no GPU at all. */
  name?: 'cpu' | 'auto';
  /** Batches smaller than this run on the main thread only (a worker round trip costs more). */
  speculateFrom?: number;
  /** Transactions per worker task. */
  chunk?: number;
  /** Tasks kept in flight per worker thread, ahead of the commit. */
  aheadPerThread?: number;
  threads?: number;
}

/** How each transaction is first run; the commit decides whether that run stands. */
type Route = 'frame' | 'transfer' | 'worker' | 'inline';

interface Counters {
  /** GPU dispatch waves of frames (one per batch: stale frames are re-executed on the CPU). */
  waves: number;
  gpuFrames: number;
  gpuCommitted: number;
  hostTransfers: number;
  speculated: number;
  committedSpeculative: number;
  reexecuted: number;
  inline: number;
  hotTargets: number;
  tasks: number;
  fallbacks: Record<string, number>;
}

let batchIds = 0;

/**
 * Engines `cpu` and `auto`. Every transaction first runs speculatively against the
 * batch's starting state: plain calls' top-level frames in one GPU wave (`auto`),
 * plain value transfers directly on the host, everything else on @ethereumjs/vm in
 * worker threads. The main thread then walks the batch in block order (ordered
 * validation with re-execution, see docs/architecture.md): a transaction whose reads
 * still hold in the committed state is committed from its speculative run, any other
 * is re-executed on the spot against the committed prefix, which makes it exact. Same-
 * sender successors and transactions to contracts that keep conflicting are not
 * speculated on workers at all: a chain of dependent transactions runs in order once.
 */
export class ParallelEngine implements Engine {
  readonly name: string;
  readonly description: string;
  private readonly pool: CpuWorkerPool;
  private readonly sequential = new ReferenceEngine();
  private executor: Promise<GpuCallExecutor> | undefined;

  constructor(private readonly opts: ParallelOptions = {}) {
    this.name = opts.name ?? 'cpu';
    this.description = this.name === 'auto'
      ? 'parallel: GPU wave for plain calls, host transfers, CPU workers for the rest; block-order validation re-executes conflicts; equal to sequential'
      : 'parallel on the CPU: worker threads (@ethereumjs/vm) speculate, block-order validation re-executes conflicts; equal to sequential';
    this.pool = new CpuWorkerPool(opts.threads);
  }

  private gpuExecutor(): Promise<GpuCallExecutor> {
    const p = (this.executor ??= gpuContext().then(async (ctx) => {
      void ctx.device.lost.then(() => {
        if (this.executor === p) this.executor = undefined;
      });
      await warmUpGpuHasher(ctx);
      const executor = new GpuCallExecutor(ctx);
      await warmUpFrames(executor);
      return executor;
    }));
    p.catch(() => {
      if (this.executor === p) this.executor = undefined;
    });
    return p;
  }

  /** Blooms and roots hash on the GPU for `auto` (the CPU when it is unavailable); `cpu` never touches it. */
  private async hasher(): Promise<BatchHasher> {
    if (this.name !== 'auto') return cpuHasher;
    try {
      return gpuHasher(await gpuContext());
    } catch {
      return cpuHasher;
    }
  }

  async execute(batch: Batch): Promise<BatchResult> {
    if (!forkAtLeast(batch.fork, PARALLEL_MIN_FORK)) {
      const r = await this.sequential.execute(batch);
      return { ...r, stats: { ...r.stats, engine: this.name, sequentialBefore: PARALLEL_MIN_FORK } };
    }
    const timings: Record<string, number> = {};
    let t = performance.now();
    const main = await CpuTxExecutor.create(batch, 'cpu');
    const common = main.common;
    const world = new WorldState(batch.pre);
    const coinbase = bytesToHex(batch.env.coinbase);
    const start = await main.systemWrites(world);
    world.apply(start, coinbase);
    const header = main.ethBlock.header;
    const asm = new BlockAssembler(
      common.isActivatedEIP(4844) ? BigInt(common.param('maxBlobGasPerBlock')) : 0n,
      common.isActivatedEIP(4844) ? header.getBlobGasPrice() : 0n,
    );
    const precompiles = main.precompiles();
    const blooms = new BloomBatch();
    const rules: HostRules = { gas: txGasSchedule(common), blooms, baseFee: header.baseFeePerGas ?? 0n, chainId: batch.env.chainId, blockGasLimit: batch.env.gasLimit };
    const hostPath = forkAtLeast(batch.fork, GPU_MIN_FORK) && hostRulesApply(common);
    timings.setup = since(t);

    const counters: Counters = {
      waves: 0, gpuFrames: 0, gpuCommitted: 0, hostTransfers: 0, speculated: 0, committedSpeculative: 0, reexecuted: 0, inline: 0, hotTargets: 0, tasks: 0, fallbacks: {},
    };
    const fallback = (why: string) => (counters.fallbacks[why] = (counters.fallbacks[why] ?? 0) + 1);

    t = performance.now();
    const plain = hostPath ? plainFields(batch, main) : batch.txs.map(() => undefined);
    timings.decode = since(t);
    t = performance.now();
    let wave: Wave | undefined;
    if (this.name === 'auto' && hostPath) {
      const snapshot = snapshotWorld(world);
      const block = gpuBlockContext(batch, main.ethBlock);
      const calls = waveCalls(plain.map((p) => p?.tx), snapshot, common, rules.gas, block, precompiles);
      timings.snapshot = since(t);
      const tg = performance.now();
      try {
        wave = await runWave(snapshot, block, calls, await this.gpuExecutor());
        timings.gpu = since(tg);
      } catch {
        // A lost or failing device: the same transactions take the CPU routes, with the same results.
        fallback('device-error');
        wave = undefined;
      }
    }
    const plan = planBatch(batch, plain, world, precompiles, wave);
    counters.gpuFrames = wave?.frames.size ?? 0;
    counters.waves = wave ? 1 : 0;
    timings.plan = since(t) - (timings.gpu ?? 0) - (timings.snapshot ?? 0);

    const n = batch.txs.length;
    const speculate = n >= (this.opts.speculateFrom ?? 16);
    const hot = new Set<string>();
    const conflictsByTarget = new Map<string, number>();
    const chunk = this.opts.chunk ?? 32;
    const chunks = Math.ceil(n / chunk);
    const ahead = (this.opts.aheadPerThread ?? 2) * this.pool.threads;
    const inFlight = new Map<number, Promise<TxExecution[]>>();
    let payload: SharedArrayBuffer | undefined;
    const batchId = ++batchIds;
    const clock = { validate: 0, reexecute: 0, wait: 0, host: 0 };

    const dispatch = (c: number): void => {
      if (!speculate || c >= chunks || inFlight.has(c)) return;
      const indices: number[] = [];
      for (let i = c * chunk; i < Math.min(n, (c + 1) * chunk); i++) {
        if (plan.route[i] !== 'worker' || (plan.target[i] !== undefined && hot.has(plan.target[i]!))) continue;
        indices.push(i);
      }
      if (indices.length === 0) return;
      payload ??= share({ batch, start, engine: 'cpu' });
      counters.tasks++;
      counters.speculated += indices.length;
      const p = this.pool.run({ batchId, payload, indices });
      p.catch(() => {}); // awaited in order below; a failed task's transactions run inline
      inFlight.set(c, p);
    };

    const noteConflict = (i: number) => {
      counters.reexecuted++;
      const target = plan.target[i];
      if (target === undefined) return;
      const k = (conflictsByTarget.get(target) ?? 0) + 1;
      conflictsByTarget.set(target, k);
      if (k >= 2 && !hot.has(target)) {
        hot.add(target);
        counters.hotTargets++;
      }
    };

    const commitHost = (c: HostCommit) => {
      world.apply(c.writes, coinbase);
      asm.include(c.tx);
    };

    const commitExecution = (i: number, ex: TxExecution) => {
      if (ex.kind === 'included') {
        world.apply(ex.writes, coinbase);
        asm.include(ex.tx);
      } else asm.reject(i, ex.rejection);
    };

    t = performance.now();
    for (let c = 0; c < chunks; c++) {
      for (let k = c; k < c + ahead; k++) dispatch(k);
      const pending = inFlight.get(c);
      inFlight.delete(c);
      let tw = performance.now();
      const spec = new Map<number, TxExecution>();
      if (pending) for (const e of await pending.catch(() => [] as TxExecution[])) spec.set(e.index, e);
      clock.wait += performance.now() - tw;

      for (let i = c * chunk; i < Math.min(n, (c + 1) * chunk); i++) {
        const route = plan.route[i];
        if (route === 'frame' || route === 'transfer') {
          const th = performance.now();
          const { tx, hash } = plain[i]!;
          const frame = wave?.frames.get(i);
          const done = route === 'frame'
            ? commitFrame(rules, { index: i, tx, hash }, world, frame!.result, wave!.snapshot.accounts.get(bytesToHex(tx.to!))!.codeHash, (a) => wave!.snapshot.accounts.get(a))
            : commitTransfer(rules, { index: i, tx, hash }, world);
          clock.host += performance.now() - th;
          if (done) {
            commitHost(done);
            if (route === 'frame') counters.gpuCommitted++;
            else counters.hostTransfers++;
            continue;
          }
          fallback(route === 'frame' ? 'stale-or-unplain-frame' : 'unplain-transfer');
          const ti = performance.now();
          commitExecution(i, await main.run(i, world, asm.gasUsed));
          clock.reexecute += performance.now() - ti;
          continue;
        }

        tw = performance.now();
        const ex = spec.get(i);
        const decoded = ex ?? (await main.decodeOnly(i));
        if (decoded.kind === 'undecodable') {
          asm.reject(i, decoded.rejection);
          continue;
        }
        if (asm.exceedsBlobGas(decoded.blobGas)) {
          asm.rejectForBlobGas(i, decoded.blobGas);
          continue;
        }
        const holds = ex !== undefined && ex.kind !== 'undecodable' && world.stillHolds(ex.reads);
        clock.validate += performance.now() - tw;
        if (holds) {
          counters.committedSpeculative++;
          commitExecution(i, ex);
          continue;
        }
        if (ex) noteConflict(i);
        else counters.inline++;
        const ti = performance.now();
        commitExecution(i, await main.run(i, world, asm.gasUsed));
        clock.reexecute += performance.now() - ti;
      }
    }
    timings.execute = since(t);
    for (const [k, v] of Object.entries(clock)) timings[k] = Math.round(v * 1000) / 1000;

    t = performance.now();
    const stateDiff = await computeStateDiff(worldDiffSource(world), batch.pre);
    timings.diff = since(t);

    t = performance.now();
    const hash = await this.hasher();
    await blooms.fill(hash);
    const stateRoot = batch.options.stateRoot ? await stateRootOf(world.entries(), hash) : null;
    const rRoot = await receiptsRoot(asm.receipts, hash);
    timings.roots = since(t);

    return {
      results: asm.results,
      rejected: asm.rejected,
      stateDiff,
      stateRoot,
      receiptsRoot: rRoot,
      logsBloom: orBlooms(asm.results.map((r) => r.logsBloom)),
      logsHash: logsHash(asm.allLogs),
      gasUsed: asm.gasUsed,
      blobGasUsed: asm.blobGasUsed,
      stats: {
        engine: this.name,
        txs: n,
        included: asm.results.length,
        rejected: asm.rejected.length,
        engines: countEngines(asm.results),
        timingsMs: timings,
        workers: speculate ? this.pool.threads : 0,
        speculation: { ...counters, conflicts: counters.reexecuted },
      },
    };
  }

  async close(): Promise<void> {
    await this.pool.close();
    if (this.executor) await closeGpu();
    this.executor = undefined;
  }
}

/**
 * Runs a trivial frame often enough to be compiled: lavapipe compiles each kernel at its
 * first dispatch, seconds that would otherwise land in the first real batch's wave.
 */
async function warmUpFrames(executor: GpuCallExecutor): Promise<void> {
  await executor.warmUp();
  const zero = new Uint8Array(20);
  const block = { fork: 'Prague' as const, coinbase: zero, number: 1n, timestamp: 1n, gasLimit: 30_000_000n, chainId: 1n, baseFee: 0n, prevRandao: 0n, blobBaseFee: 1n, blockHashes: new Map() };
  // PUSH1 1 POP STOP
  const call = { address: zero, caller: zero, origin: zero, value: 0n, data: new Uint8Array(0), gasPrice: 0n, gas: 100_000n, code: Uint8Array.of(0x60, 0x01, 0x50, 0x00), isCreate: false, warmAddresses: [], warmSlots: [], blobVersionedHashes: [] };
  await executor.execute(block, { accounts: new Map() }, Array(64).fill(call));
}

function share(p: SpeculationPayload): SharedArrayBuffer {
  const bytes = serialize(p);
  const sab = new SharedArrayBuffer(bytes.length);
  new Uint8Array(sab).set(bytes);
  return sab;
}

/**
 * Each transaction's first route, and what is known before anything runs: a
 * transaction whose sender already sent one earlier in the batch depends on it (its
 * nonce at least), so it is not speculated on a worker; and the contract each
 * unsigned transaction calls (a conflict there makes the contract hot).
 */
function planBatch(batch: Batch, plain: (PlainTx | undefined)[], world: WorldState, precompiles: Set<string>, wave: Wave | undefined): { route: Route[]; target: (string | undefined)[] } {
  const seen = new Set<string>();
  const route: Route[] = [];
  const target: (string | undefined)[] = [];
  batch.txs.forEach((input, i) => {
    const tx = plain[i]?.tx;
    const from = tx ? bytesToHex(tx.from) : input.kind === 'unsigned' ? bytesToHex(input.tx.from) : undefined;
    const to = tx?.to ? bytesToHex(tx.to) : input.kind === 'unsigned' && input.tx.to ? bytesToHex(input.tx.to) : undefined;
    target.push(to);
    const frame = wave?.frames.get(i);
    if (frame && !needsHost(frame.result.outcome as OutcomeCode)) route.push('frame');
    else if (tx && to !== undefined && tx.type <= 2n && !precompiles.has(to) && !(world.account(to)?.code.length)) route.push('transfer');
    else route.push(from !== undefined && seen.has(from) ? 'inline' : 'worker');
    if (from !== undefined) seen.add(from);
  });
  return { route, target };
}
