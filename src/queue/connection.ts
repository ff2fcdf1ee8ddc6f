import { hostname } from 'node:os';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DiscardPolicy,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type Consumer,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Kvm, KvWatchInclude, type KV } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { ServiceError } from '../errors/service-error.js';
import type { Hex } from '../model/shapes.js';
import type { BatchKey } from './batch-key.js';
import { queueNames, type QueueNames } from './names.js';
import { decodeRecord, encodePointer, encodeRecord, pointedObject, type ResultRecord } from './record.js';

export interface QueueOptions {
  urls: string[];
  prefix: string;
  /** Copies of the stream, buckets and object stores (a cluster's replication); default 1. */
  replicas?: number;
  /** The stream's limits and the ack wait (the front sets them; a worker uses them only to create what is missing). */
  maxBatches: number;
  maxBytes: number;
  ackWaitMs: number;
  resultTtlS: number;
  role: 'front' | 'worker';
  /** Largest value sent in one message; larger batches and results go through an object store. Default: the server's max_payload less 8 KiB for headers. */
  inlineLimit?: number;
}

/** Batches waiting, taken and not acknowledged, redelivered, and the stream's bytes. */
export interface QueueDepth {
  waiting: number;
  inFlight: number;
  redelivered: number;
  bytes: number;
}

/** The header of a queued batch whose bytes are in the batch object store. */
const OBJECT_HEADER = 'Evmgpu-Batch-Object';
/** The header naming the batch a message carries. */
export const BATCH_HEADER = 'Evmgpu-Batch-Hash';
/** A waiting request looks for its result this often even when the watch says nothing. */
const LOOK_AGAIN_MS = 2_000;
/** Seconds a client should wait before trying again after the queue refused a batch. */
const RETRY_AFTER_S = 2;

/**
 * One process's connection to a deployment's queue: the work-queue stream of batches,
 * the durable pull consumer every worker shares (explicit acks, redelivery after the
 * ack wait), the results bucket (one key per batch hash, created once: a second
 * worker's result for the same batch is dropped), and the object stores for values
 * past one message. The front also watches the results bucket's keys, to wake the
 * requests waiting for them. Owned by the app (front) or the worker loop, which close it.
 */
export class BatchQueue {
  readonly names: QueueNames;
  readonly inlineLimit: number;
  private readonly waiters = new Map<string, Set<() => void>>();
  private watchStop?: () => void;

  private constructor(
    readonly opts: QueueOptions,
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly results: KV,
    readonly workers: KV,
    private readonly batchObjects: ObjectStore,
    private readonly resultObjects: ObjectStore,
  ) {
    this.names = queueNames(opts.prefix);
    this.inlineLimit = opts.inlineLimit ?? Math.max(1024, (nc.info?.max_payload ?? 1024 * 1024) - 8 * 1024);
  }

  static async open(opts: QueueOptions): Promise<BatchQueue> {
    const nc = await connect({ servers: opts.urls, name: `evmgpu-${opts.role}-${hostname()}-${process.pid}`, maxReconnectAttempts: -1 });
    try {
      const names = queueNames(opts.prefix);
      const jsm = await jetstreamManager(nc);
      await ensureStream(jsm, streamConfig(names, opts), opts.role === 'front');
      await ensureConsumer(jsm, names, consumerConfig(names, opts), opts.role === 'front');
      const kvm = new Kvm(nc);
      const ttlMs = opts.resultTtlS * 1000;
      const replicas = opts.replicas ?? 1;
      const results = await kvm.create(names.results, { history: 1, ttl: ttlMs, storage: StorageType.File, replicas });
      const workers = await kvm.create(names.workers, { history: 1, ttl: 30_000, storage: StorageType.Memory, replicas });
      const objm = new Objm(nc);
      const batchObjects = await objm.create(names.batchObjects, { ttl: ttlMs * 1e6, max_bytes: opts.maxBytes, storage: StorageType.File, replicas });
      const resultObjects = await objm.create(names.resultObjects, { ttl: ttlMs * 1e6, storage: StorageType.File, replicas });
      const q = new BatchQueue(opts, nc, jetstream(nc), jsm, results, workers, batchObjects, resultObjects);
      if (opts.role === 'front') await q.watchResults();
      return q;
    } catch (e) {
      await nc.close().catch(() => undefined);
      throw e;
    }
  }

  /**
   * Queues a batch under its hash. A publication whose message ID is still within the
   * stream's duplicate window is dropped by JetStream (`duplicate: true`): the batch is
   * already queued or done. Past the stream's limits: 503 OVERLOADED.
   */
  async publish(key: BatchKey, msgID: string = key.hash): Promise<{ duplicate: boolean }> {
    const h = headers();
    h.set(BATCH_HEADER, key.hash);
    let data = key.bytes;
    try {
      if (key.bytes.length > this.inlineLimit) {
        const name = `batch-${key.hash}`;
        if (!(await this.batchObjects.info(name))) await this.batchObjects.putBlob({ name }, key.bytes);
        h.set(OBJECT_HEADER, name);
        data = new Uint8Array(0);
      }
      const ack = await this.js.publish(this.names.subject, data, { msgID, headers: h });
      return { duplicate: ack.duplicate };
    } catch (e) {
      throw queueError(e, this.opts);
    }
  }

  /** The bytes of the batch a message carries, inline or in the object store. */
  async batchBytes(msg: JsMsg): Promise<Uint8Array> {
    const name = msg.headers?.get(OBJECT_HEADER);
    if (!name) return msg.data;
    const bytes = await this.batchObjects.getBlob(name);
    if (!bytes) throw new Error(`the queued batch's object ${name} is gone`);
    return bytes;
  }

  /** Drops a batch's object once its result is stored (a redelivery then needs only the result). */
  async dropBatchObject(msg: JsMsg): Promise<void> {
    const name = msg.headers?.get(OBJECT_HEADER);
    if (name) await this.batchObjects.delete(name).catch(() => undefined);
  }

  /** The stored record of a batch and its revision, or undefined. */
  async record(hash: Hex): Promise<{ record: ResultRecord; revision: number } | undefined> {
    const e = await this.results.get(hash);
    if (!e || e.operation !== 'PUT' || e.value.length === 0) return undefined;
    const object = pointedObject(e.value);
    const bytes = object === undefined ? e.value : await this.resultObjects.getBlob(object);
    // A pointer whose object expired first: as good as no record.
    if (!bytes) return undefined;
    return { record: decodeRecord(bytes), revision: e.revision };
  }

  /** Stores a batch's record unless one is there already: false when another worker's came first. */
  async storeRecord(hash: Hex, record: ResultRecord): Promise<boolean> {
    const bytes = encodeRecord(record);
    let value = bytes;
    if (bytes.length > this.inlineLimit) {
      const name = `result-${hash}-${record.worker}`;
      await this.resultObjects.putBlob({ name }, bytes);
      value = encodePointer(name, bytes.length);
    }
    try {
      await this.results.create(hash, value);
      return true;
    } catch (e) {
      if (value !== bytes) await this.resultObjects.delete(`result-${hash}-${record.worker}`).catch(() => undefined);
      if (await this.results.get(hash)) return false;
      throw e;
    }
  }

  /** Forgets a stored record (a failed run, so that the batch can be queued again), if it is still the given revision. */
  async forget(hash: Hex, revision: number): Promise<void> {
    await this.results.delete(hash, { previousSeq: revision }).catch(() => undefined);
  }

  /**
   * Waits until the batch has a record, or the signal fires (its reason is thrown).
   * The waiter is registered before the first look, so a record stored meanwhile is
   * not missed.
   */
  async waitRecord(hash: Hex, signal: AbortSignal): Promise<ResultRecord> {
    let wake!: () => void;
    let woken = new Promise<void>((r) => (wake = r));
    const waiter = () => wake();
    let set = this.waiters.get(hash);
    if (!set) this.waiters.set(hash, (set = new Set()));
    set.add(waiter);
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    try {
      for (;;) {
        const found = await Promise.race([this.record(hash), aborted]);
        if (found) return found.record;
        // The watch wakes the waiter; a look every few seconds besides covers a watch that stalls without ending.
        let timer: NodeJS.Timeout | undefined;
        const poll = new Promise<void>((r) => (timer = setTimeout(r, LOOK_AGAIN_MS)));
        await Promise.race([woken, poll, aborted]).finally(() => clearTimeout(timer));
        woken = new Promise<void>((r) => (wake = r));
      }
    } finally {
      set.delete(waiter);
      if (set.size === 0) this.waiters.delete(hash);
    }
  }

  /** The shared consumer, to pull batches from. */
  consumer(): Promise<Consumer> {
    return this.js.consumers.get(this.names.stream, this.names.consumer);
  }

  /** Queue depth for /metrics. */
  async depth(): Promise<QueueDepth> {
    const [ci, si] = await Promise.all([this.jsm.consumers.info(this.names.stream, this.names.consumer), this.jsm.streams.info(this.names.stream)]);
    return { waiting: ci.num_pending, inFlight: ci.num_ack_pending, redelivered: ci.num_redelivered, bytes: si.state.bytes };
  }

  /** Drains the connection (what was published is flushed), for at most 5 s: without a server it would wait for one forever. */
  async close(): Promise<void> {
    this.watchStop?.();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((r) => (timer = setTimeout(r, 5_000)));
    await Promise.race([this.nc.drain().catch(() => undefined), late]);
    clearTimeout(timer);
    if (!this.nc.isClosed()) await this.nc.close().catch(() => undefined);
  }

  /**
   * One watch over every key (headers only: the values are fetched by whoever waits for
   * them). A watch ends when the server it was on goes away (a cluster node lost); it is
   * started again, and every waiter looks once more, so a result stored in the gap is found.
   */
  private async watchResults(): Promise<void> {
    let stopped = false;
    let current: { stop(): void } | undefined;
    this.watchStop = () => {
      stopped = true;
      current?.stop();
    };
    const wakeAll = () => {
      for (const set of this.waiters.values()) for (const w of [...set]) w();
    };
    const watchOnce = async () => {
      const it = await this.results.watch({ include: KvWatchInclude.UpdatesOnly, headers_only: true, ignoreDeletes: true });
      current = it;
      return it;
    };
    const first = await watchOnce();
    void (async () => {
      let it = first;
      while (!stopped) {
        try {
          for await (const e of it) {
            const set = this.waiters.get(e.key);
            if (set) for (const w of [...set]) w();
          }
        } catch {
          // Ended with an error: started again below, as after a plain end.
        }
        if (stopped || this.nc.isClosed()) return;
        await new Promise((r) => setTimeout(r, 250));
        try {
          it = await watchOnce();
        } catch {
          continue;
        }
        wakeAll();
      }
    })();
  }
}

function streamConfig(names: QueueNames, opts: QueueOptions): Partial<StreamConfig> & { name: string } {
  return {
    name: names.stream,
    subjects: [names.subject],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    num_replicas: opts.replicas ?? 1,
    max_msgs: opts.maxBatches,
    max_bytes: opts.maxBytes,
    discard: DiscardPolicy.New,
    // A batch's ID is remembered as long as its result is kept, so a retry within that time is never queued twice.
    duplicate_window: opts.resultTtlS * 1e9,
  };
}

function consumerConfig(names: QueueNames, opts: QueueOptions): Partial<ConsumerConfig> {
  return {
    durable_name: names.consumer,
    ack_policy: AckPolicy.Explicit,
    ack_wait: opts.ackWaitMs * 1e6,
    // Unbounded: a batch that keeps failing is ended by the worker (worker.ts: MAX_DELIVERIES), with a stored error.
    max_deliver: -1,
  };
}

async function ensureStream(jsm: JetStreamManager, cfg: Partial<StreamConfig> & { name: string }, setLimits: boolean): Promise<void> {
  const info = await jsm.streams.info(cfg.name).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
  if (!info) {
    await jsm.streams.add(cfg).catch(async (e) => {
      // Another process created it meanwhile.
      if (!(await jsm.streams.info(cfg.name).catch(() => undefined))) throw e;
    });
    return;
  }
  const c = info.config;
  if (setLimits && (c.max_msgs !== cfg.max_msgs || c.max_bytes !== cfg.max_bytes || c.duplicate_window !== cfg.duplicate_window)) {
    await jsm.streams.update(cfg.name, { max_msgs: cfg.max_msgs, max_bytes: cfg.max_bytes, duplicate_window: cfg.duplicate_window });
  }
}

async function ensureConsumer(jsm: JetStreamManager, names: QueueNames, cfg: Partial<ConsumerConfig>, setAckWait: boolean): Promise<void> {
  const info = await jsm.consumers.info(names.stream, names.consumer).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
  if (!info) {
    await jsm.consumers.add(names.stream, cfg).catch(async (e) => {
      if (!(await jsm.consumers.info(names.stream, names.consumer).catch(() => undefined))) throw e;
    });
  } else if (setAckWait && info.config.ack_wait !== cfg.ack_wait) {
    await jsm.consumers.update(names.stream, names.consumer, { ack_wait: cfg.ack_wait });
  }
}

/** JetStream's "stream not found" (10059) and "consumer not found" (10014). */
function isNotFound(e: unknown): boolean {
  return e instanceof JetStreamApiError && (e.code === 10059 || e.code === 10014 || e.status === 404);
}

/**
 * A publication past the stream's limits is 503 OVERLOADED; any other failure is left to
 * the front, which answers every NATS failure as QUEUE_UNAVAILABLE (front.ts).
 */
function queueError(e: unknown, opts: QueueOptions): unknown {
  if (/maximum (messages|bytes)/.test((e as Error)?.message ?? '')) {
    return new ServiceError('OVERLOADED', [`the batch queue holds its limit (${opts.maxBatches} batches, ${opts.maxBytes} bytes)`]).retryAfter(RETRY_AFTER_S);
  }
  return e;
}
