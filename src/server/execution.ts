import type { Engine } from '../engine/engine.js';
import { since } from '../engine/engine.js';
import { ServiceError } from '../errors/service-error.js';
import type { Batch, BatchResult } from '../model/shapes.js';
import type { Admission } from './admission.js';

/**
 * One batch through admission and its deadline. The batch waits for a slot, then runs
 * with an AbortSignal that fires at the deadline (or when the client goes away); the
 * caller gets 503 EXECUTION_TIMEOUT at the deadline itself, while the slot stays taken
 * until the engine has actually stopped, so abandoned work still counts against the
 * bound. Engines keep no state between batches, so an abandoned one applied nothing.
 */
export interface RunLimits {
  maxBatchMs: number;
}

export interface BatchRun {
  result: BatchResult;
  /** Milliseconds spent waiting for a slot. */
  queueMs: number;
}

export async function runBatch(admission: Admission, limits: RunLimits, engine: Engine, batch: Batch, gas: number, gone: AbortSignal): Promise<BatchRun> {
  const tq = performance.now();
  const release = await admission.admit(gas, gone);
  const queueMs = since(tq);
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(new ServiceError('EXECUTION_TIMEOUT', [limits.maxBatchMs]).retryAfter(admission.retryAfterS())), limits.maxBatchMs);
  const onGone = () => ctrl.abort(gone.reason);
  gone.addEventListener('abort', onGone, { once: true });
  let stopAborting!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = () => reject(ctrl.signal.reason);
    ctrl.signal.addEventListener('abort', onAbort, { once: true });
    stopAborting = () => ctrl.signal.removeEventListener('abort', onAbort);
  });
  const t0 = performance.now();
  const run = engine.execute(batch, { signal: ctrl.signal });
  // The slot is freed when the engine has stopped, whichever way the request ended.
  void run.then(
    () => admission.observe(gas, performance.now() - t0),
    () => undefined,
  ).finally(() => {
    clearTimeout(timer);
    gone.removeEventListener('abort', onGone);
    stopAborting();
    release();
  });
  return { result: await Promise.race([run, aborted]), queueMs };
}
