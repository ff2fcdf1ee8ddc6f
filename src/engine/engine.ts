import type { Batch, BatchResult } from '../model/shapes.js';

/**
 * An execution engine takes a whole batch and returns the full result. Every engine
 * must return exactly what `reference` returns (the oracle), field for field.
 */
export interface Engine {
  readonly name: string;
  /** One line for docs and GET /v1/engines. */
  readonly description: string;
  execute(batch: Batch): Promise<BatchResult>;
  close?(): Promise<void>;
}

/** Milliseconds since `t0` (performance.now()), rounded to microseconds. */
export function since(t0: number): number {
  return Math.round((performance.now() - t0) * 1000) / 1000;
}
