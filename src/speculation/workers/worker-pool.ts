import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { TxExecution } from './cpu-executor.js';
import type { SpeculationTask } from './worker.js';

/**
 * The CPU worker pool (piscina). From the built code the workers load worker.js; from
 * the TypeScript sources (tests, tsx) a small .mjs entry registers tsx in the worker
 * first, as worker threads do not inherit the parent's loader.
 */
function workerFile(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSources ? './worker-boot.mjs' : './worker.js', import.meta.url));
}

export class CpuWorkerPool {
  private pool: Piscina | undefined;

  /** `threads`: the configured worker count (RuntimeConfig.cpuWorkers). */
  constructor(readonly threads: number) {}

  run(task: SpeculationTask): Promise<TxExecution[]> {
    this.pool ??= new Piscina({ filename: workerFile(), minThreads: this.threads, maxThreads: this.threads, idleTimeout: 60_000 });
    return this.pool.run(task) as Promise<TxExecution[]>;
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    await p?.destroy();
  }
}
