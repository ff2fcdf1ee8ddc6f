import type { MessagePort } from 'node:worker_threads';
import type { Batch } from '../../model/shapes.js';

/** Messages between the main thread and an exec thread (exec-thread.ts, exec-worker.ts). */
export type ExecRequest =
  /** Runs the whole batch on the reference engine; answers its BatchResult. */
  | { id: number; kind: 'reference'; batch: Batch }
  /** Re-executes transaction `index` of batch `key` (v8-serialized in `payload`) against the committed state; answers a TxExecution. */
  | { id: number; kind: 'run'; key: number; payload: SharedArrayBuffer; index: number; blockGasUsed: bigint };

export type ExecReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** A read of the committed state, asked by the thread and answered by the main thread. */
export type StateQuery = { op: 'account'; addr: string } | { op: 'storage'; addr: string; slot: bigint } | { op: 'storageEmpty'; addr: string };

export interface ExecThreadData {
  /** The thread posts queries here and reads the answers back synchronously. */
  queries: MessagePort;
  /** One Int32: the main thread sets it to 1 once an answer is posted. */
  flag: SharedArrayBuffer;
}
