import { ServiceError } from '../errors/service-error.js';
import type { BatchResult, Hex, WireBatch } from '../model/shapes.js';
import { batchKey } from './batch-key.js';
import type { BatchQueue } from './connection.js';
import { recordError, type ResultRecord } from './record.js';

export interface RemoteRun {
  result: BatchResult;
  hash: Hex;
  /** The worker that ran it, and its execution time there. */
  worker: string;
  workerMs: number;
  /** The result was stored before this request came (no execution for it). */
  replayed: boolean;
  /** Milliseconds between queueing and the result, less the worker's execution time. */
  queueMs: number;
}

/** Seconds a client is asked to wait before asking again for a batch still pending. */
const PENDING_RETRY_S = 5;
/** And after NATS could not be reached. */
const UNAVAILABLE_RETRY_S = 2;

/**
 * `serve --nats`: a batch's way through the queue instead of the in-process engines.
 * A result already stored under the batch's hash is the answer (a retry after a
 * timeout, or the same batch from another client); a stored failure of the service's
 * own (5xx: a timeout, a batch no worker finished) is forgotten and the batch queued
 * afresh. Otherwise the batch is queued under its hash and the request waits for the
 * record; past the wait, 503 BATCH_PENDING names where the result will be.
 */
export class QueueFront {
  constructor(
    readonly queue: BatchQueue,
    private readonly waitMs: number,
  ) {}

  async run(wire: WireBatch, gone: AbortSignal): Promise<RemoteRun> {
    try {
      return await this.queued(wire, gone);
    } catch (e) {
      throw unavailable(e);
    }
  }

  private async queued(wire: WireBatch, gone: AbortSignal): Promise<RemoteRun> {
    const key = batchKey(wire);
    const t0 = performance.now();
    const stored = await this.queue.record(key.hash);
    if (stored && !isServiceFailure(stored.record)) return this.answer(key.hash, stored.record, true, t0);
    if (stored) {
      await this.queue.forget(key.hash, stored.revision);
      // A new message ID: the first one is still within the duplicate window.
      await this.queue.publish(key, `${key.hash}.${stored.revision}`);
    } else await this.queue.publish(key);

    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(new ServiceError('BATCH_PENDING', [key.hash, this.waitMs, key.hash]).retryAfter(PENDING_RETRY_S)), this.waitMs);
    const onGone = () => ctrl.abort(gone.reason);
    gone.addEventListener('abort', onGone, { once: true });
    try {
      return this.answer(key.hash, await this.queue.waitRecord(key.hash, ctrl.signal), false, t0);
    } finally {
      clearTimeout(timer);
      gone.removeEventListener('abort', onGone);
    }
  }

  /** The stored record of a batch, for GET /v1/results/{batchHash}: its result, or its error thrown. */
  async stored(hash: Hex): Promise<RemoteRun> {
    const found = await this.queue.record(hash).catch((e) => Promise.reject(unavailable(e)));
    if (!found) throw new ServiceError('RESULT_NOT_FOUND', [hash]);
    return this.answer(hash, found.record, true, performance.now());
  }

  private answer(hash: Hex, record: ResultRecord, replayed: boolean, t0: number): RemoteRun {
    const error = recordError(record);
    if (error) throw error.statusCode >= 500 ? error.retryAfter(PENDING_RETRY_S) : error;
    const waited = performance.now() - t0;
    return { result: record.result!, hash, worker: record.worker, workerMs: record.ms, replayed, queueMs: replayed ? 0 : Math.max(0, waited - record.ms) };
  }
}

/** A failure of NATS itself (a reconnect, a lost node, a timeout) is 503 QUEUE_UNAVAILABLE: the client tries again. */
function unavailable(e: unknown): ServiceError {
  if (e instanceof ServiceError) return e;
  return new ServiceError('QUEUE_UNAVAILABLE', [(e as Error)?.message ?? String(e)], [], e).retryAfter(UNAVAILABLE_RETRY_S);
}

function isServiceFailure(r: ResultRecord): boolean {
  return r.error !== undefined && r.error.status >= 500;
}
