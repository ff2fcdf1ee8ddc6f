import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { BatchResult, Batch } from '../../model/shapes.js';
import type { StateReader } from '../world-state.js';
import type { TxExecution } from './cpu-executor.js';
import type { ExecReply, ExecRequest, ExecThreadData, StateQuery } from './exec-protocol.js';

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
  private readonly queries: MessagePort;
  private readonly flag: Int32Array;
  private pending: Pending | undefined;
  private ids = 0;
  /** The state the running re-execution reads; undefined between requests. */
  private reader: StateReader | undefined;
  dead = false;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    const flag = new SharedArrayBuffer(4);
    this.flag = new Int32Array(flag);
    this.queries = port1;
    this.worker = new Worker(threadFile(), { workerData: { queries: port2, flag } satisfies ExecThreadData, transferList: [port2] });
    this.queries.on('message', (q: StateQuery) => this.answer(q));
    this.worker.on('message', (r: ExecReply) => this.settle(r));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`exec thread exited with code ${code}`)));
    this.idle();
  }

  /** The whole batch on the reference engine. */
  reference(batch: Batch, signal?: AbortSignal): Promise<BatchResult> {
    return this.call({ id: ++this.ids, kind: 'reference', batch }, signal) as Promise<BatchResult>;
  }

  /** Transaction `index` of batch `key` against `state`, as CpuTxExecutor.run does it. */
  async run(key: number, payload: SharedArrayBuffer, index: number, blockGasUsed: bigint, state: StateReader, signal?: AbortSignal): Promise<TxExecution> {
    this.reader = state;
    try {
      return (await this.call({ id: ++this.ids, kind: 'run', key, payload, index, blockGasUsed }, signal)) as TxExecution;
    } finally {
      this.reader = undefined;
    }
  }

  /** Stops the thread wherever it is. */
  terminate(): void {
    this.dead = true;
    this.queries.close();
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
      this.busy();
      this.worker.postMessage(req);
    });
  }

  private answer(q: StateQuery): void {
    const r = this.reader;
    let v: unknown;
    if (!r) v = null;
    else if (q.op === 'account') v = r.account(q.addr) ?? null;
    else if (q.op === 'storage') v = r.storage(q.addr, q.slot);
    else v = r.storageEmpty(q.addr);
    this.queries.postMessage(v);
    Atomics.store(this.flag, 0, 1);
    Atomics.notify(this.flag, 0);
  }

  private settle(r: ExecReply): void {
    const p = this.pending;
    if (!p || p.id !== r.id) return;
    this.pending = undefined;
    this.idle();
    if (r.ok) p.resolve(r.value);
    else p.reject(new Error(r.error));
  }

  private fail(e: unknown): void {
    this.dead = true;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
  }

  /** An idle thread does not keep the process alive; a busy one does, until it answers. */
  private idle(): void {
    this.worker.unref();
    this.queries.unref();
  }

  private busy(): void {
    this.worker.ref();
    this.queries.ref();
  }
}

/** Exec threads, one per batch that needs one; a few idle ones are kept warm for the next batches. */
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
