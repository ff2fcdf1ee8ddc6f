import type { Batch, BatchResult } from '../model/shapes.js';

/**
 * How one execution is bounded. `signal` abandons the batch: an engine that sees it
 * aborted stops at its next check and rejects with `signal.reason`, leaving no state
 * behind (engines keep none between batches). Checks sit in the loops that run long on
 * the main thread (see pace.ts) and in what runs off it (worker tasks are cancelled).
 */
export interface ExecuteOptions {
  signal?: AbortSignal;
}

/**
 * An execution engine takes a whole batch and returns the full result. Every engine
 * must return exactly what `reference` returns (the oracle), field for field.
 */
export interface Engine {
  readonly name: string;
  /** One line for docs and GET /v1/engines. */
  readonly description: string;
  execute(batch: Batch, opts?: ExecuteOptions): Promise<BatchResult>;
  close?(): Promise<void>;
}

/** Milliseconds since `t0` (performance.now()), rounded to microseconds. */
export function since(t0: number): number {
  return Math.round((performance.now() - t0) * 1000) / 1000;
}
