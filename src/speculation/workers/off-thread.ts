import type { Engine, ExecuteOptions } from '../../engine/engine.js';
import { ReferenceEngine } from '../../engine/reference.js';
import type { Batch, BatchResult } from '../../model/shapes.js';
import type { StateReader } from '../world-state.js';
import type { CpuTxExecutor, TxExecution } from './cpu-executor.js';
import type { ExecThread, ExecThreads } from './exec-thread.js';
import { share } from './speculate.js';

/**
 * The reference engine on an exec thread: the same engine, run where it cannot block
 * the event loop. The oracle in tests stays in-process (`new ReferenceEngine()`).
 */
export class OffThreadReference implements Engine {
  readonly name: string;
  readonly description: string;

  constructor(private readonly threads: ExecThreads) {
    const inner = new ReferenceEngine();
    this.name = inner.name;
    this.description = inner.description;
  }

  async execute(batch: Batch, opts: ExecuteOptions = {}): Promise<BatchResult> {
    const thread = this.threads.lease();
    try {
      return await thread.reference(batch, opts.signal);
    } finally {
      this.threads.release(thread);
    }
  }
}

let batchKeys = 0;

/**
 * The ordered commit's executor with its re-executions on an exec thread, leased at
 * the first one and released by `release()`; decoding stays local (it is quick).
 * Results are those of CpuTxExecutor.run: the thread runs the same class against the
 * committed state, read from this thread.
 */
export class OffThreadReexecution {
  private thread: ExecThread | undefined;
  private payload: SharedArrayBuffer | undefined;
  private readonly key = ++batchKeys;

  constructor(
    private readonly threads: ExecThreads,
    private readonly local: CpuTxExecutor,
    private readonly signal?: AbortSignal,
  ) {}

  decodeOnly(index: number): ReturnType<CpuTxExecutor['decodeOnly']> {
    return this.local.decodeOnly(index);
  }

  run(index: number, state: StateReader, blockGasUsed: bigint): Promise<TxExecution> {
    this.thread ??= this.threads.lease();
    this.payload ??= share(this.local.batch);
    return this.thread.run(this.key, this.payload, index, blockGasUsed, state, this.signal);
  }

  release(): void {
    if (this.thread) this.threads.release(this.thread);
    this.thread = undefined;
  }
}
