import { hostname } from 'node:os';
import type { JsMsg } from '@nats-io/jetstream';
import type { Engine } from '../engine/engine.js';
import { ServiceError } from '../errors/service-error.js';
import type { WireBatch } from '../model/shapes.js';
import { bytesToHex } from '../primitives/hex.js';
import { keccak256 } from '../primitives/keccak.js';
import type { EngineRegistry } from '../registry/registry.js';
import { parseBatch } from '../wire/parse.js';
import { validateBatch } from '../wire/validate.js';
import { isBatchHash } from './batch-key.js';
import { BATCH_HEADER, type BatchQueue } from './connection.js';
import type { ResultRecord } from './record.js';
import type { WorkerMetrics } from './worker-metrics.js';

/**
 * Deliveries after which a batch is ended with a stored BATCH_FAILED instead of run
 * again: a batch that kills or stalls every worker that takes it must not do so
 * forever. A later POST of it forgets that record and queues it afresh.
 */
export const MAX_DELIVERIES = 5;
/** How often a worker says it is alive, with what it runs on, in the workers bucket (whose entries live 30 s). */
const ANNOUNCE_MS = 10_000;

/** This process's worker id: host and pid, in the characters NATS keys allow. */
export function workerId(): string {
  return `${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

export interface WorkerOptions {
  /** Names this worker in records, announcements and metrics; default workerId(). */
  id?: string;
  /** A batch still running after this many milliseconds is abandoned: its record is EXECUTION_TIMEOUT. */
  maxBatchMs: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface WorkerAnnouncement {
  id: string;
  host: string;
  pid: number;
  /** The GPU adapter once a device is open (`lavapipe` shows as a software adapter), else undefined. */
  adapter?: string;
  software?: boolean;
  engines: string[];
  startedAt: string;
  executed: number;
  busy: boolean;
}

/**
 * `evmgpu worker`: pulls one batch at a time from the shared consumer, reports progress
 * while it runs (so JetStream does not hand it to another worker), runs it on this
 * machine's engines, stores the result under the batch's hash and only then
 * acknowledges. A worker that dies at any point leaves the message unacknowledged and
 * JetStream redelivers it after the ack wait; a result already stored is acknowledged
 * without running the batch again.
 */
export class QueueWorker {
  readonly id: string;
  private stopping = false;
  private stopped!: () => void;
  /** Settles on stop(): a pull that hangs (NATS unreachable, reconnecting) must not hold the worker's shutdown. */
  private readonly stopSignal = new Promise<null>((r) => (this.stopped = () => r(null)));
  private executed = 0;
  /** The batch in hand: its hash, its delivery (1: the first) and when it started. */
  current?: { hash: string; delivery: number; startedAt: string };
  private ackWaitMs: number;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly queue: BatchQueue,
    private readonly registry: EngineRegistry,
    private readonly metrics: WorkerMetrics,
    private readonly opts: WorkerOptions,
  ) {
    this.id = opts.id ?? workerId();
    this.ackWaitMs = queue.opts.ackWaitMs;
  }

  /** Runs until stop(): the batch in hand is finished first. */
  async run(): Promise<void> {
    const consumer = await this.queue.consumer();
    // The consumer's ack wait is the front's: progress is reported at a third of it.
    this.ackWaitMs = ((await consumer.info()).config.ack_wait ?? this.ackWaitMs * 1e6) / 1e6;
    await this.announce();
    const announcer = setInterval(() => void this.announce().catch(() => undefined), ANNOUNCE_MS);
    try {
      while (!this.stopping) {
        const pulled = consumer.next({ expires: 2_000 }).catch((e) => {
          this.opts.log?.('pull failed', { error: (e as Error).message });
          return new Promise<null>((r) => setTimeout(() => r(null), 1_000));
        });
        const msg = await Promise.race([pulled, this.stopSignal]);
        // A message that arrives after stop() is left unacknowledged: JetStream gives it to another worker.
        // A failure around a batch (NATS gone mid-store or mid-ack) leaves its message unacknowledged: it comes back.
        if (msg) await this.handle(msg).catch((e) => this.opts.log?.('batch not finished', { error: (e as Error)?.message ?? String(e) }));
      }
    } finally {
      clearInterval(announcer);
      await this.queue.workers.delete(this.id).catch(() => undefined);
    }
  }

  stop(): void {
    this.stopping = true;
    this.stopped();
  }

  private async handle(msg: JsMsg): Promise<void> {
    const hash = msg.headers?.get(BATCH_HEADER) ?? '';
    if (!isBatchHash(hash)) {
      // Not ours to run: nobody can, so it must not come back.
      msg.term();
      return;
    }
    const delivery = msg.info.deliveryCount;
    if (delivery > 1) this.metrics.redeliveries.inc();
    if (await this.queue.record(hash)) {
      // Stored by a worker that died before its ack (or by a copy queued past the duplicate window).
      this.metrics.alreadyDone.inc();
      await msg.ackAck();
      return;
    }
    this.current = { hash, delivery, startedAt: new Date().toISOString() };
    this.metrics.busy.set(1);
    const progress = setInterval(() => msg.working(), Math.max(250, this.ackWaitMs / 3));
    const t0 = performance.now();
    try {
      let record: ResultRecord;
      if (delivery > MAX_DELIVERIES) record = this.failed(hash, delivery);
      else {
        const bytes = await this.queue.batchBytes(msg).catch((e: Error) => e);
        // The hash names the bytes: a message whose bytes are another batch's is not that batch; it is dropped and nothing is stored under the name.
        if (bytes instanceof Uint8Array && bytesToHex(keccak256(bytes)) !== hash) {
          this.opts.log?.('message dropped: its bytes do not hash to its batch hash', { hash });
          // No reason text: a 2.9 server does not take one (its +TERM with a reason is ignored, and the message comes back).
          msg.term();
          return;
        }
        record = await this.execute(bytes, delivery);
      }
      record.ms = performance.now() - t0;
      const stored = await this.queue.storeRecord(hash, record);
      await this.queue.dropBatchObject(msg);
      await msg.ackAck();
      if (stored) {
        this.executed++;
        this.metrics.observe(record);
      } else this.metrics.alreadyDone.inc();
    } finally {
      clearInterval(progress);
      this.current = undefined;
      this.metrics.busy.set(0);
    }
    await this.announce().catch(() => undefined);
  }

  private failed(hash: string, delivery: number): ResultRecord {
    const e = new ServiceError('BATCH_FAILED', [hash, delivery - 1]);
    return { error: { code: e.code, status: e.statusCode, message: e.message }, worker: this.id, ms: 0, delivery };
  }

  /** Runs the batch's bytes (or ends with the error that fetching them gave): its result, or its coded error. */
  private async execute(bytes: Uint8Array | Error, delivery: number): Promise<ResultRecord> {
    const base = { worker: this.id, ms: 0, delivery };
    try {
      if (bytes instanceof Error) throw bytes;
      const wire = JSON.parse(Buffer.from(bytes).toString('utf8')) as WireBatch;
      validateBatch(wire);
      const engine = this.registry.get(wire.options?.engine);
      const batch = parseBatch(wire, this.registry.codes);
      return { ...base, result: await this.runWithDeadline(engine, batch) };
    } catch (e) {
      const err = e instanceof ServiceError ? e : new ServiceError('INTERNAL', [(e as Error)?.message ?? String(e)]);
      if (!(e instanceof ServiceError)) this.opts.log?.('batch failed', { error: (e as Error)?.stack ?? String(e) });
      return { ...base, error: { code: err.code, status: err.statusCode, message: err.message } };
    }
  }

  private async runWithDeadline(engine: Engine, batch: ReturnType<typeof parseBatch>) {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(new ServiceError('EXECUTION_TIMEOUT', [this.opts.maxBatchMs])), this.opts.maxBatchMs);
    try {
      const run = engine.execute(batch, { signal: ctrl.signal });
      const aborted = new Promise<never>((_, reject) => ctrl.signal.addEventListener('abort', () => reject(ctrl.signal.reason), { once: true }));
      // An engine that stops late still ends this batch at the deadline; its later settlement is ignored.
      run.catch(() => undefined);
      return await Promise.race([run, aborted]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async announce(): Promise<void> {
    const gpu = this.registry.compilerReport(0).gpu;
    const a: WorkerAnnouncement = {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      ...(gpu.open ? { adapter: gpu.adapter, software: gpu.software } : {}),
      engines: this.registry.names(),
      startedAt: this.startedAt,
      executed: this.executed,
      busy: this.current !== undefined,
    };
    await this.queue.workers.put(this.id, JSON.stringify(a));
  }
}
