import type { Batch, BatchResult } from '../model/shapes.js';
import type { StateSource } from '../model/state-source.js';
import type { BatchHasher } from '../chain/hasher.js';

/**
 * What an engine may be given besides the batch. `signal` abandons the batch: an engine
 * that sees it aborted stops at its next check and rejects with `signal.reason`, leaving
 * no state behind (engines keep none between batches). Checks sit in the loops that run
 * long on the main thread (see pace.ts) and in what runs off it (worker tasks are
 * cancelled).
 */
export interface ExecuteOptions {
  signal?: AbortSignal;
  /**
   * The state the batch's `pre` is a part of (src/model/state-source.ts): what `pre` does
   * not hold is read from it on demand. The result's state root needs the whole state,
   * so a batch with a source runs with `options.stateRoot: false`. Engines that load the
   * whole state up front (the reference) refuse a source with STATE_SOURCE_UNSUPPORTED
   * rather than give a wrong result.
   */
  state?: StateSource;
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
  /**
   * Opens now what the first batch would otherwise open: for an engine on the GPU, the
   * device, its kernels, its executors and their buffers for a full group. Resolves to
   * whether there was anything to open; never rejects (a batch meets the same failure
   * and falls back or reports it).
   */
  warmUp?(): Promise<boolean>;
  /** How this engine hashes roots (keccak of many inputs at once): on its GPU when it has one open, else the CPU, with the same digests. The chain hashes its tries through it. */
  hasher?(): Promise<BatchHasher>;
  close?(): Promise<void>;
}

/** Milliseconds since `t0` (performance.now()), rounded to microseconds. */
export function since(t0: number): number {
  return Math.round((performance.now() - t0) * 1000) / 1000;
}
