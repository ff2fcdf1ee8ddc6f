import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Batch, BatchResult } from '../../model/shapes.js';
import type { TxWrites } from '../access-sets.js';
import type { TxExecution } from './cpu-executor.js';
import type { ExecReply, ExecRequest, RunReply } from './exec-protocol.js';
import { fromPosting } from './posting.js';

/**
 * Threads for the @ethereumjs/vm runs that would otherwise block the main thread: one
 * runTx of a 30M-gas loop holds a thread for seconds (a loop of CALLs for over a
 * minute), and ethereumjs never yields to the event loop inside a transaction. The
 * reference engine's batches and the ordered commit's re-executions run here
 * (exec-worker.ts), so the service keeps answering while they run.
 *
 * A batch leases one thread for its duration. Abandoning the batch (its AbortSignal)
 * terminates the thread: what it was running stops at once and nothing it held
 * survives; the next lease starts a fresh one.
 */
function threadFile(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSources ? './exec-boot.mjs' : './exec-worker.js', import.meta.url));
}

type Pending = { id: number; resolve: (v: unknown) => void; reject: (e: unknown) => void };

export class ExecThread {
  private readonly worker: Worker;
  private pending: Pending | undefined;
  private ids = 0;
  dead = false;

  constructor() {
    this.worker = new Worker(threadFile());
    this.worker.on('message', (r: ExecReply) => this.settle(r));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`exec thread exited with code ${code}`)));
    // An idle thread does not keep the process alive; a busy one does, until it answers.
    this.worker.unref();
  }

  /** The whole batch on the reference engine. */
  reference(batch: Batch, signal?: AbortSignal): Promise<BatchResult> {
    return this.call({ id: ++this.ids, kind: 'reference', batch }, signal) as Promise<BatchResult>;
  }

  /** Transaction `index` of batch `key`, after laying `changes` over the thread's copy of the committed state (exec-protocol.ts has `follows` and `ahead`). */
  async run(key: number, payload: SharedArrayBuffer, index: number, blockGasUsed: bigint, changes: TxWrites, order: { follows: boolean; ahead: boolean }, signal?: AbortSignal): Promise<{ execution: TxExecution; ranAhead: boolean }> {
    const reply = (await this.call({ id: ++this.ids, kind: 'run', key, payload, index, blockGasUsed, changes, ...order }, signal)) as RunReply;
    return { ...reply, execution: fromPosting(reply.execution) };
  }

  /** Stops the thread wherever it is. */
  terminate(): void {
    this.dead = true;
    void this.worker.terminate();
  }

  private call(req: ExecRequest, signal?: AbortSignal): Promise<unknown> {
    if (this.dead) return Promise.reject(new Error('exec thread is gone'));
    if (this.pending) return Promise.reject(new Error('exec thread is busy'));
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.terminate();
        this.fail(signal!.reason);
      };
      const done = () => signal?.removeEventListener('abort', onAbort);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending = { id: req.id, resolve: (v) => (done(), resolve(v)), reject: (e) => (done(), reject(e)) };
      this.worker.ref();
      this.worker.postMessage(req);
    });
  }

  private settle(r: ExecReply): void {
    const p = this.pending;
    if (!p || p.id !== r.id) return;
    this.pending = undefined;
    this.worker.unref();
    if (r.ok) p.resolve(r.value);
    else p.reject(new Error(r.error));
  }

  private fail(e: unknown): void {
    this.dead = true;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
  }
}

/**
 * Exec threads, one per batch that needs one. A few idle ones are kept for the next
 * batches, and a spare is started whenever none is idle: a thread takes about a second
 * to load @ethereumjs/vm, which would otherwise fall on a batch's deadline (after an
 * abandoned batch's thread was terminated, say).
 */
export class ExecThreads {
  private readonly idle: ExecThread[] = [];
  private readonly leased = new Set<ExecThread>();
  private closed = false;

  constructor(private readonly keepIdle = 2) {}

  lease(): ExecThread {
    if (this.closed) throw new Error('exec threads are closed');
    let t = this.idle.pop();
    while (t?.dead) t = this.idle.pop();
    t ??= new ExecThread();
    this.leased.add(t);
    if (this.idle.length === 0) this.idle.push(new ExecThread());
    return t;
  }

  /** Back to the idle set, unless it died or was terminated (an abandoned batch's). */
  release(t: ExecThread): void {
    this.leased.delete(t);
    if (t.dead) return;
    if (this.closed || this.idle.length >= this.keepIdle) t.terminate();
    else this.idle.push(t);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of [...this.idle, ...this.leased]) t.terminate();
    this.idle.length = 0;
    this.leased.clear();
  }
}
