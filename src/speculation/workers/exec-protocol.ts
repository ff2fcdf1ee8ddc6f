import type { Batch } from '../../model/shapes.js';
import type { TxWrites } from '../access-sets.js';

/** Messages between the main thread and an exec thread (exec-thread.ts, exec-worker.ts). */
export type ExecRequest =
  /** Runs the whole batch on the reference engine; answers its BatchResult. */
  | { id: number; kind: 'reference'; batch: Batch }
  /**
   * Re-executes transaction `index` of batch `key` (v8-serialized in `payload`) against
   * the committed state; answers a TxExecution. The thread keeps a copy of the committed
   * state, brought up to date by `changes`: what the main thread committed since the
   * previous request (TrackedWorld.takeChanges).
   */
  | { id: number; kind: 'run'; key: number; payload: SharedArrayBuffer; index: number; blockGasUsed: bigint; changes: TxWrites };

export type ExecReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
