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
 * the pool against the batch's starting state, kept `ahead` tasks in front of the
 * ordered commit. A contract that keeps conflicting turns hot: its later transactions
 * are no longer sent, and run in order once each instead. `ahead` counts tasks, not
 * chunks: chunks without worker transactions take no place in it.
 */
export class WorkerSpeculation {
  private readonly inFlight = new Map<number, Promise<TxExecution[]>>();
  private readonly results = new Map<number, TxExecution>();
  private readonly hot = new Set<string>();
  private readonly conflictsByTarget = new Map<string, number>();
  private readonly chunks: number;
  private current = 0;
  /** The first chunk `advance` has not looked at yet. */
  private next = 0;

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
   * Keeps `ahead` tasks in flight from chunk `c` on, sending the next chunks that have
   * worker transactions, and forgets the results of the chunks before `c`. Chunks
   * without any are passed over: where the worker route is sparse (a GPU batch's few
   * precompile-heavy frames), a task starts as soon as the commit starts, not once the
   * commit is a few chunks before it, and runs while the commit waits on GPU waves.
   * Nothing waits here: the commit goes on with the chunk's other routes while its task
   * runs, and waits at its first worker transaction.
   */
  advance(c: number): void {
    let live = 0;
    for (const k of this.inFlight.keys()) if (k >= c) live++;
    for (this.next = Math.max(this.next, c); live < this.o.ahead && this.next < this.chunks; this.next++) {
      if (this.dispatch(this.next)) live++;
    }
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

  /** Sends chunk `c`'s worker transactions as one task: false when it has none to send. */
  private dispatch(c: number): boolean {
    const indices: number[] = [];
    for (let i = c * this.o.chunk; i < Math.min(this.batch.txs.length, (c + 1) * this.o.chunk); i++) {
      const target = this.plan.targets[i];
      if (this.plan.routes[i].kind !== 'worker' || (target !== undefined && this.hot.has(target))) continue;
      indices.push(i);
    }
    if (indices.length === 0) return false;
    this.stats.tasks++;
    this.stats.speculated += indices.length;
    const p = this.pool.run({ ...this.shared(), indices }, this.o.signal);
    p.catch(() => {}); // awaited in order by beginChunk
    this.inFlight.set(c, p);
    return true;
  }
}
