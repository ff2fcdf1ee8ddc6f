import type { Batch } from '../../model/shapes.js';
import type { TxWrites } from '../access-sets.js';
import type { PostedExecution } from './posting.js';

/** Messages between the main thread and an exec thread (exec-thread.ts, exec-worker.ts). */
export type ExecRequest =
  /** Runs the whole batch on the reference engine; answers its BatchResult. */
  | { id: number; kind: 'reference'; batch: Batch }
  /**
   * Re-executes transaction `index` of batch `key` (v8-serialized in `payload`) against
   * the committed state; answers a TxExecution. The thread keeps a copy of the committed
   * state, brought up to date by `changes`: what the main thread committed since the
   * previous request (TrackedWorld.takeChanges). Answers a `RunReply`.
   *
   * `follows`: the main thread committed nothing since the previous request but that
   * request's own result. `ahead`: once this one is answered, the thread runs
   * transaction `index + 1` on its copy with this one's writes laid over it, as if
   * asked next with `follows`; it answers that request with the run it made ahead when
   * the request is for `index + 1`, follows, and brings the block gas it assumed.
   */
  | { id: number; kind: 'run'; key: number; payload: SharedArrayBuffer; index: number; blockGasUsed: bigint; changes: TxWrites; follows: boolean; ahead: boolean };

/** A run's answer: the execution, and whether it was the one run ahead. */
export interface RunReply {
  execution: PostedExecution;
  ranAhead: boolean;
}

export type ExecReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
