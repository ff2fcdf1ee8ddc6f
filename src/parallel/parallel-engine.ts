import { serialize } from 'node:v8';
import { computeStateDiff } from '../chain/state-diff.js';
import { stateRootOf } from '../chain/state-root.js';
import { logsHash, orBlooms, receiptsRoot } from '../chain/roots.js';
import { makeBlock } from '../chain/block.js';
import { since, type Engine } from '../engine/engine.js';
import { ReferenceEngine } from '../engine/reference.js';
import { forkAtLeast, type Fork } from '../model/fork.js';
import type { Batch, BatchResult } from '../model/shapes.js';
import { bytesToHex } from '../wire/hex.js';
import { BlockAssembler } from './block-assembler.js';
import { CpuTxExecutor, type TxExecution } from './cpu-executor.js';
import { CpuWorkerPool } from './worker-pool.js';
import type { SpeculationPayload } from './worker.js';
import { worldDiffSource } from './world-diff.js';
import { WorldState } from './world-state.js';

/** Receipts carry a per-transaction state root before Byzantium: those batches run sequentially. */
export const PARALLEL_MIN_FORK: Fork = 'Byzantium';

export interface ParallelOptions {
  /** Batches smaller than this run on the main thread only (a worker round trip costs more). */
  speculateFrom?: number;
  /** Transactions per worker task. */
  chunk?: number;
  /** Tasks kept in flight per worker thread, ahead of the commit. */
  aheadPerThread?: number;
  threads?: number;
}

interface Counters {
  speculated: number;
  committedSpeculative: number;
  reexecuted: number;
  inline: number;
  hotTargets: number;
  tasks: number;
}

let batchIds = 0;

/**
 * Engine `cpu`: transactions run speculatively in parallel on worker threads against
 * the batch's starting state; the main thread then walks the batch in block order,
 * commits each transaction whose reads still hold in the committed state, and
 * re-executes on the spot the ones whose reads do not (ordered validation with
 * re-execution: see docs/architecture.md). Same-sender successors and transactions to
 * contracts that keep conflicting are not speculated at all: they run in order, so a
 * chain of dependent transactions costs one execution each, not two.
 */
export class ParallelCpuEngine implements Engine {
  readonly name: string = 'cpu';
  readonly description: string =
    'CPU worker threads (@ethereumjs/vm) speculate in parallel; block-order validation re-executes what conflicts; equal to sequential';
  private readonly pool: CpuWorkerPool;
  private readonly sequential = new ReferenceEngine();

  constructor(private readonly opts: ParallelOptions = {}) {
    this.pool = new CpuWorkerPool(opts.threads);
  }

  async execute(batch: Batch): Promise<BatchResult> {
    if (!forkAtLeast(batch.fork, PARALLEL_MIN_FORK)) {
      const r = await this.sequential.execute(batch);
      return { ...r, stats: { ...r.stats, engine: this.name, note: `before ${PARALLEL_MIN_FORK}: sequential` } };
    }
    const timings: Record<string, number> = {};
    let t = performance.now();
    const main = await CpuTxExecutor.create(batch, 'cpu');
    const world = new WorldState(batch.pre);
    const coinbase = bytesToHex(batch.env.coinbase);
    const start = await main.systemWrites(world);
    world.apply(start, coinbase);
    const block = makeBlock(batch.fork, batch.env, main.common);
    const maxBlobGas = main.common.isActivatedEIP(4844) ? BigInt(main.common.param('maxBlobGasPerBlock')) : 0n;
    const asm = new BlockAssembler(maxBlobGas, main.common.isActivatedEIP(4844) ? block.header.getBlobGasPrice() : 0n);
    timings.setup = since(t);

    t = performance.now();
    const n = batch.txs.length;
    const speculate = n >= (this.opts.speculateFrom ?? 16);
    const plan = planBatch(batch);
    timings.plan = since(t);

    const counters: Counters = { speculated: 0, committedSpeculative: 0, reexecuted: 0, inline: 0, hotTargets: 0, tasks: 0 };
    const hot = new Set<string>();
    const conflictsByTarget = new Map<string, number>();
    const chunk = this.opts.chunk ?? 32;
    const chunks = Math.ceil(n / chunk);
    const ahead = (this.opts.aheadPerThread ?? 2) * this.pool.threads;
    const inFlight = new Map<number, Promise<TxExecution[]>>();
    let payload: SharedArrayBuffer | undefined;
    const batchId = ++batchIds;
    let validateMs = 0;
    let inlineMs = 0;
    let waitMs = 0;

    const dispatch = (c: number): void => {
      if (!speculate || c >= chunks || inFlight.has(c)) return;
      const indices: number[] = [];
      for (let i = c * chunk; i < Math.min(n, (c + 1) * chunk); i++) {
        if (plan.dependent[i] || (plan.target[i] !== undefined && hot.has(plan.target[i]!))) continue;
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

    t = performance.now();
    for (let c = 0; c < chunks; c++) {
      for (let k = c; k < c + ahead; k++) dispatch(k);
      const pending = inFlight.get(c);
      inFlight.delete(c);
      const tw = performance.now();
      const spec = new Map<number, TxExecution>();
      if (pending) for (const e of await pending.catch(() => [] as TxExecution[])) spec.set(e.index, e);
      waitMs += performance.now() - tw;

      for (let i = c * chunk; i < Math.min(n, (c + 1) * chunk); i++) {
        const tv = performance.now();
        let ex = spec.get(i);
        const decoded = ex ?? (await main.decodeOnly(i));
        if (decoded.kind === 'undecodable') {
          asm.reject(i, decoded.rejection);
          validateMs += performance.now() - tv;
          continue;
        }
        if (asm.exceedsBlobGas(decoded.blobGas)) {
          asm.rejectForBlobGas(i, decoded.blobGas);
          validateMs += performance.now() - tv;
          continue;
        }
        if (ex && ex.kind !== 'undecodable' && world.stillHolds(ex.reads)) {
          counters.committedSpeculative++;
          validateMs += performance.now() - tv;
        } else {
          validateMs += performance.now() - tv;
          if (ex) {
            counters.reexecuted++;
            const target = plan.target[i];
            if (target !== undefined) {
              const k = (conflictsByTarget.get(target) ?? 0) + 1;
              conflictsByTarget.set(target, k);
              if (k >= 2 && !hot.has(target)) {
                hot.add(target);
                counters.hotTargets++;
              }
            }
          } else counters.inline++;
          const ti = performance.now();
          ex = await main.run(i, world, asm.gasUsed);
          inlineMs += performance.now() - ti;
        }
        const tm = performance.now();
        if (ex.kind === 'included') {
          world.apply(ex.writes, coinbase);
          asm.include(ex.tx);
        } else if (ex.kind === 'rejected' || ex.kind === 'undecodable') {
          asm.reject(i, ex.rejection);
        }
        validateMs += performance.now() - tm;
      }
    }
    timings.execute = since(t);
    timings.speculationWait = round(waitMs);
    timings.validate = round(validateMs);
    timings.reexecute = round(inlineMs);

    t = performance.now();
    const stateDiff = await computeStateDiff(worldDiffSource(world), batch.pre);
    timings.diff = since(t);

    t = performance.now();
    const stateRoot = batch.options.stateRoot ? stateRootOf(world.entries()) : null;
    const rRoot = await receiptsRoot(asm.receipts);
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
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

function countEngines(results: BatchResult['results']): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.engine] = (counts[r.engine] ?? 0) + 1;
  return counts;
}

function share(p: SpeculationPayload): SharedArrayBuffer {
  const bytes = serialize(p);
  const sab = new SharedArrayBuffer(bytes.length);
  new Uint8Array(sab).set(bytes);
  return sab;
}

/**
 * What is known before anything runs: a transaction whose sender already sent one
 * earlier in the batch depends on it (its nonce at least), and the contract each
 * unsigned transaction calls (a conflict there makes the contract hot).
 */
function planBatch(batch: Batch): { dependent: boolean[]; target: (string | undefined)[] } {
  const seen = new Set<string>();
  const dependent: boolean[] = [];
  const target: (string | undefined)[] = [];
  for (const input of batch.txs) {
    if (input.kind !== 'unsigned') {
      dependent.push(false);
      target.push(undefined);
      continue;
    }
    const from = bytesToHex(input.tx.from);
    dependent.push(seen.has(from));
    seen.add(from);
    target.push(input.tx.to ? bytesToHex(input.tx.to) : undefined);
  }
  return { dependent, target };
}
