import type { Batch } from '../../model/shapes.js';
import type { Plan } from '../plan.js';
import type { SpeculationStats } from '../stats.js';
import type { TxExecution } from './cpu-executor.js';
import type { SharedBatch } from './share.js';
import type { CpuWorkerPool } from './worker-pool.js';

export interface WorkerSpeculationOptions {
  /** Transactions per worker task. */
  chunk: number;
  /** Tasks kept in flight ahead of the commit. */
  ahead: number;
  /** The batch's: once it fires, queued tasks are dropped and running ones stopped. */
  signal?: AbortSignal;
}

/**
 * The CPU worker route: the batch's `worker` transactions, in chunks, speculated on
 * the pool against the batch's starting state, kept `ahead` chunks in front of the
 * ordered commit. A contract that keeps conflicting turns hot: its later transactions
 * are no longer sent, and run in order once each instead.
 */
export class WorkerSpeculation {
  private readonly inFlight = new Map<number, Promise<TxExecution[]>>();
  private readonly results = new Map<number, TxExecution>();
  private readonly hot = new Set<string>();
  private readonly conflictsByTarget = new Map<string, number>();
  private readonly chunks: number;
  private current = 0;

  constructor(
    private readonly pool: CpuWorkerPool,
    private readonly batch: Batch,
    /** The batch as the workers read it, shared on first need. */
    private readonly shared: () => SharedBatch,
    private readonly plan: Plan,
    private readonly stats: SpeculationStats,
    private readonly o: WorkerSpeculationOptions,
  ) {
    this.chunks = Math.ceil(batch.txs.length / o.chunk);
  }

  get chunkSize(): number {
    return this.o.chunk;
  }

  /**
   * Sends the chunks from `c` on that are not in flight yet and forgets the results of
   * the chunks before `c`. Nothing waits here: the commit goes on with the chunk's
   * other routes while its task runs, and waits at its first worker transaction.
   */
  advance(c: number): void {
    for (let k = c; k < c + this.o.ahead; k++) this.dispatch(k);
    this.current = c;
    this.results.clear();
  }

  /** The speculative run of transaction `index`, if its chunk (the current one) had one, once that chunk's task is back. */
  async result(index: number): Promise<TxExecution | undefined> {
    const pending = this.inFlight.get(this.current);
    if (pending) {
      this.inFlight.delete(this.current);
      // A failed task's transactions run inline.
      for (const e of await pending.catch(() => [] as TxExecution[])) this.results.set(e.index, e);
    }
    return this.results.get(index);
  }

  noteConflict(index: number): void {
    this.stats.reexecuted++;
    this.stats.conflicts++;
    const target = this.plan.targets[index];
    if (target === undefined) return;
    const k = (this.conflictsByTarget.get(target) ?? 0) + 1;
    this.conflictsByTarget.set(target, k);
    if (k >= 2 && !this.hot.has(target)) {
      this.hot.add(target);
      this.stats.hotTargets++;
    }
  }

  private dispatch(c: number): void {
    if (c >= this.chunks || this.inFlight.has(c)) return;
    const indices: number[] = [];
    for (let i = c * this.o.chunk; i < Math.min(this.batch.txs.length, (c + 1) * this.o.chunk); i++) {
      const target = this.plan.targets[i];
      if (this.plan.routes[i].kind !== 'worker' || (target !== undefined && this.hot.has(target))) continue;
      indices.push(i);
    }
    if (indices.length === 0) return;
    this.stats.tasks++;
    this.stats.speculated += indices.length;
    const p = this.pool.run({ ...this.shared(), indices }, this.o.signal);
    p.catch(() => {}); // awaited in order by beginChunk
    this.inFlight.set(c, p);
  }
}
