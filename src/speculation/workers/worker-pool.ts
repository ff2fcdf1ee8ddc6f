import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { TxExecution } from './cpu-executor.js';
import { fromPosting, type PostedExecution } from './posting.js';
import type { BatchTask, DecodedTx } from './share.js';
import { ExecThreads } from './exec-thread.js';

/**
 * The CPU worker pool (piscina), owned by the engine registry. From the built code the
 * workers load worker.js; from the TypeScript sources (tests, tsx) a small .mjs entry
 * registers tsx in the worker first, as worker threads do not inherit the parent's
 * loader.
 */
function workerFile(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSources ? './worker-boot.mjs' : './worker.js', import.meta.url));
}

export class CpuWorkerPool {
  private pool: Piscina | undefined;
  /** Threads for whole sequential batches and re-executions (exec-thread.ts), one per batch that runs them. */
  readonly exec = new ExecThreads();

  /** `threads`: the configured worker count (RuntimeConfig.cpuWorkers). */
  constructor(readonly threads: number) {}

  /**
   * Runs transactions speculatively against the batch's starting state. `signal`: an
   * abandoned batch's task is dropped from the queue, or its thread terminated (piscina
   * starts another).
   */
  async run(task: BatchTask, signal?: AbortSignal): Promise<TxExecution[]> {
    const posted = (await this.piscina().run(task, signal ? { signal } : {})) as PostedExecution[];
    return posted.map(fromPosting);
  }

  /** Recovers signed transactions' senders. */
  decode(task: BatchTask): Promise<DecodedTx[]> {
    return this.piscina().run(task, { name: 'decode' }) as Promise<DecodedTx[]>;
  }

  private piscina(): Piscina {
    this.pool ??= new Piscina({ filename: workerFile(), minThreads: this.threads, maxThreads: this.threads, idleTimeout: 60_000 });
    return this.pool;
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    await this.exec.close();
    await p?.destroy();
  }
}
