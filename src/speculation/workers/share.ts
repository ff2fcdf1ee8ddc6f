import { serialize } from '../../primitives/serialize.js';
import type { Batch, UnsignedTx } from '../../model/shapes.js';
import type { TxWrites } from '../access-sets.js';

/** What every worker task of a batch reads: the batch, the block's system writes, and the engine label. */
export interface SpeculationPayload {
  batch: Batch;
  /** The block's system writes, applied before any transaction. */
  start: TxWrites;
  engine: string;
}

/**
 * A batch shared with the worker threads once, read-only: v8-serialized into shared
 * memory under an id, so every task of the batch (decoding senders, speculating) names
 * it instead of carrying it, and a worker that has loaded it keeps it.
 */
export interface SharedBatch {
  batchId: number;
  payload: SharedArrayBuffer;
}

let batchIds = 0;

export function shareBatch(p: SpeculationPayload): SharedBatch {
  return { batchId: ++batchIds, payload: share(p) };
}

/** `p`, v8-serialized once into shared memory: every thread reads it without a copy per message. */
export function share(p: unknown): SharedArrayBuffer {
  const bytes = serialize(p);
  const sab = new SharedArrayBuffer(bytes.length);
  new Uint8Array(sab).set(bytes);
  return sab;
}

/** A task of a shared batch: some of its transactions. */
export interface BatchTask extends SharedBatch {
  indices: number[];
}

/** A signed transaction's fields once its sender is recovered; none when it does not decode (the main thread finds out why). */
export interface DecodedTx {
  index: number;
  sender?: Uint8Array;
  tx?: UnsignedTx;
  hash?: Uint8Array;
}
