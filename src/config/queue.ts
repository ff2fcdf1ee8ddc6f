import type { Setting } from './setting.js';
import { ConfigError, nonEmpty, parseCount, parseSize, positive } from './values.js';

/**
 * The distributed mode (src/queue/): batches go through a NATS JetStream work queue to
 * worker processes (`evmgpu worker`) and their results come back through a key-value
 * bucket. Without a NATS URL everything runs in process, the embedded default. The
 * front and every worker of one deployment use the same prefix; the front sets the
 * queue's limits.
 */
export interface QueueConfig {
  /** NATS server URLs (a cluster's seeds); false: batches run in process. */
  nats: string[] | false;
  /** Names the stream, consumer and buckets: several deployments can share one NATS. */
  natsPrefix: string;
  /** Copies JetStream keeps of the stream, buckets and object stores: 3 on a 3-node cluster survives the loss of one server. */
  natsReplicas: number;
  /** Batches queued and not yet acknowledged by a worker; past it the front answers 503. */
  queueMaxBatches: number;
  /** Bytes of queued batches (inline and in the object store); past it the front answers 503. */
  queueMaxBytes: number;
  /** A batch a worker took and did not acknowledge, nor report progress on, for this long goes to another worker. */
  queueAckWaitMs: number;
  /** Seconds a result stays findable (GET /v1/results/{batchHash}, and a resubmitted batch's answer). */
  resultTtlS: number;
  /** `evmgpu worker`: the port of its /metrics and /healthz (0: any free port). */
  workerMetricsPort: number;
}

export const DEFAULT_QUEUE_CONFIG: Readonly<QueueConfig> = Object.freeze({
  nats: false,
  natsPrefix: 'evmgpu',
  natsReplicas: 1,
  queueMaxBatches: 1_000,
  queueMaxBytes: 1024 ** 3,
  queueAckWaitMs: 30_000,
  resultTtlS: 86_400,
  workerMetricsPort: 9464,
});

function natsUrls(text: string, what: string): string[] {
  const urls = nonEmpty(text, what).split(',').map((u) => u.trim()).filter((u) => u !== '');
  for (const u of urls) {
    if (!/^(nats|tls|wss?):\/\/[^\s/]+\/?$|^[^\s/:]+(:\d+)?$/.test(u)) throw new ConfigError(`${what}: '${u}' is not a NATS URL (nats://host:4222, or host:port)`);
  }
  return urls;
}

function prefix(text: string, what: string): string {
  const p = nonEmpty(text, what);
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(p)) throw new ConfigError(`${what}: '${text}' must be 1-32 letters, digits, '-' or '_' (it names NATS streams and buckets)`);
  return p;
}

function port(t: string, what: string): number {
  const v = parseCount(t, what);
  if (v > 65535) throw new ConfigError(`${what}: ${v} is not a TCP port (0-65535)`);
  return v;
}

export const QUEUE_SETTINGS: { [K in keyof QueueConfig]-?: Setting<NonNullable<QueueConfig[K]>> } = {
  nats: { flag: 'nats', env: 'EVMGPU_NATS', defaultText: 'none (batches run in process)', doc: 'NATS server URLs, comma-separated: `serve` queues batches there for `evmgpu worker` processes', parse: natsUrls },
  natsPrefix: { flag: 'nats-prefix', env: 'EVMGPU_NATS_PREFIX', defaultText: '`evmgpu`', doc: 'names the JetStream stream, consumer and buckets of one deployment', parse: prefix },
  natsReplicas: {
    flag: 'nats-replicas', env: 'EVMGPU_NATS_REPLICAS', defaultText: '1', doc: 'copies JetStream keeps of the queue and the results (1-5; 3 on a 3-node cluster)',
    parse: (t, what) => {
      const v = positive(parseCount(t, what), what);
      if (v > 5) throw new ConfigError(`${what}: JetStream keeps at most 5 replicas`);
      return v;
    },
  },
  queueMaxBatches: { flag: 'queue-max-batches', env: 'EVMGPU_QUEUE_MAX_BATCHES', defaultText: '1,000', doc: 'batches queued for workers; past it, 503 OVERLOADED', parse: (t, what) => positive(parseCount(t, what), what) },
  queueMaxBytes: { flag: 'queue-max-bytes', env: 'EVMGPU_QUEUE_MAX_BYTES', defaultText: '1 GiB', doc: 'bytes of batches queued for workers (a size); past it, 503 OVERLOADED', parse: (t, what) => positive(parseSize(t, what), what) },
  queueAckWaitMs: { flag: 'queue-ack-wait', env: 'EVMGPU_QUEUE_ACK_WAIT', defaultText: '30,000 (30 s)', doc: 'milliseconds without progress after which a batch a worker took goes to another worker', parse: (t, what) => Math.max(1000, positive(parseCount(t, what), what)) },
  resultTtlS: { flag: 'result-ttl', env: 'EVMGPU_RESULT_TTL', defaultText: '86,400 (a day)', doc: 'seconds a queued batch\'s result stays findable (GET /v1/results/{batchHash})', parse: (t, what) => positive(parseCount(t, what), what) },
  workerMetricsPort: { flag: 'metrics-port', env: 'EVMGPU_WORKER_METRICS_PORT', defaultText: '`9464`', doc: '`evmgpu worker`: TCP port of its /metrics and /healthz (0: any free port)', parse: port },
};
