import { ServiceError, withoutStack } from '../errors/service-error.js';

/**
 * Admission control for batches: at most `maxConcurrentBatches` execute at once, at
 * most `maxQueuedBatches` wait in order while the gas they declare fits `maxQueuedGas`,
 * and request bodies held at once (read, queued or executing) stay under
 * `maxPendingBytes`. What does not fit is refused at once with 503 OVERLOADED and a
 * Retry-After, before it costs anything, rather than piling up until memory or latency
 * gives way.
 *
 * The number waiting is known before a request's body is read (`refuseUnseen`), its gas
 * only after: under a flood of requests, most refusals then cost no body, no JSON and no
 * validation, so the event loop stays free for the batches admitted and for /healthz.
 */
export interface AdmissionLimits {
  maxConcurrentBatches: number;
  maxQueuedBatches: number;
  maxQueuedGas: number;
  maxPendingBytes: number;
}

interface Waiter {
  gas: number;
  start: () => void;
}

/** Retry-After bounds, in seconds. */
const RETRY_MIN_S = 1;
const RETRY_MAX_S = 60;

export class Admission {
  private running = 0;
  private runningGas = 0;
  private queuedGas = 0;
  private pendingBytes = 0;
  private readonly queue: Waiter[] = [];
  /** Declared gas per second of finished batches (moving average); the Retry-After estimate. */
  private gasPerS: number | undefined;
  readonly refused: Record<'waiting' | 'queue' | 'bodies' | 'pressure', number> = { waiting: 0, queue: 0, bodies: 0, pressure: 0 };

  constructor(readonly limits: AdmissionLimits) {}

  /** Running and waiting batches and their gas, for /metrics. */
  snapshot(): { running: number; queued: number; queuedGas: number; pendingBytes: number } {
    return { running: this.running, queued: this.queue.length, queuedGas: this.queuedGas, pendingBytes: this.pendingBytes };
  }

  /**
   * Holds `bytes` of request body until the returned release is called (once the
   * response is out); throws OVERLOADED when the bodies already held leave no room.
   */
  holdBody(bytes: number): () => void {
    if (this.pendingBytes > 0 && this.pendingBytes + bytes > this.limits.maxPendingBytes) {
      this.refused.bodies++;
      throw this.overloaded(`${this.pendingBytes} bytes of request bodies held, at most ${this.limits.maxPendingBytes}`);
    }
    this.pendingBytes += bytes;
    let held = true;
    return () => {
      if (held) this.pendingBytes -= bytes;
      held = false;
    };
  }

  /**
   * Throws OVERLOADED when no batch could wait now, whatever it holds: every slot is
   * taken and `maxQueuedBatches` batches wait. Needs nothing of the request, so it runs
   * before the body is read.
   */
  refuseUnseen(): void {
    if (this.hasSlotOrPlace()) return;
    this.refused.waiting++;
    throw this.overloaded(this.busy());
  }

  /**
   * Waits for an execution slot for a batch declaring `gas`; resolves with the release
   * to call once its engine has stopped. Throws OVERLOADED when it cannot even wait, and
   * `signal`'s reason when the request is abandoned while waiting.
   */
  async admit(gas: number, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.running < this.limits.maxConcurrentBatches && this.queue.length === 0) return this.start(gas);
    // The line may have filled while this request's body was read.
    this.refuseUnseen();
    if (this.queuedGas + gas > this.limits.maxQueuedGas) {
      this.refused.queue++;
      throw this.overloaded(`${this.busy()} with ${this.queuedGas} gas, at most ${this.limits.maxQueuedGas}`);
    }
    this.queuedGas += gas;
    return new Promise<() => void>((resolve, reject) => {
      const onAbort = () => {
        const at = this.queue.indexOf(w);
        if (at < 0) return;
        this.queue.splice(at, 1);
        this.queuedGas -= gas;
        reject(signal!.reason);
      };
      // Called by next() when a slot frees: counted as running at once, so next() never starts more than there are slots.
      const w: Waiter = {
        gas,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.start(gas));
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(w);
    });
  }

  private hasSlotOrPlace(): boolean {
    return this.running < this.limits.maxConcurrentBatches || this.queue.length < this.limits.maxQueuedBatches;
  }

  private busy(): string {
    return `${this.running} batches executing and ${this.queue.length} waiting (at most ${this.limits.maxQueuedBatches})`;
  }

  /** Records a batch's speed, for the Retry-After estimate. */
  observe(gas: number, ms: number): void {
    if (gas <= 0 || ms <= 0) return;
    const rate = (gas / ms) * 1000;
    this.gasPerS = this.gasPerS === undefined ? rate : 0.8 * this.gasPerS + 0.2 * rate;
  }

  /** Seconds until the work ahead is likely done, at the observed speed. */
  retryAfterS(): number {
    const ahead = this.runningGas + this.queuedGas;
    const s = this.gasPerS ? ahead / this.gasPerS / Math.max(1, this.limits.maxConcurrentBatches) : RETRY_MIN_S;
    return Math.min(RETRY_MAX_S, Math.max(RETRY_MIN_S, Math.ceil(s)));
  }

  /** 503 OVERLOADED with a Retry-After from the work ahead; stackless, as a flood of them is the point. */
  overloaded(why: string): ServiceError {
    return withoutStack(() => new ServiceError('OVERLOADED', [why])).retryAfter(this.retryAfterS());
  }

  private start(gas: number): () => void {
    this.running++;
    this.runningGas += gas;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.running--;
      this.runningGas -= gas;
      this.next();
    };
  }

  private next(): void {
    while (this.running < this.limits.maxConcurrentBatches && this.queue.length > 0) {
      const w = this.queue.shift()!;
      this.queuedGas -= w.gas;
      w.start();
    }
  }
}
