import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { nonEmpty, oneOf, parseCount, parseSize, positive, ConfigError } from './values.js';
import type { Setting } from './setting.js';

/**
 * Service settings: where the HTTP service listens and what one request may carry.
 * Defaults are sized so that one request can carry a rollup-sized batch (100k+
 * transactions, tens of MiB of JSON).
 */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ServerConfig {
  host: string;
  port: number;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Most transactions in one batch. */
  maxTxs: number;
  /** Largest sum of the transactions' declared gas limits in one batch. */
  maxBatchGas: number;
  /** A batch still running after this many milliseconds is abandoned: 503 EXECUTION_TIMEOUT. */
  maxBatchMs: number;
  /** Batches executing at once; more wait in the queue. */
  maxConcurrentBatches: number;
  /** Batches waiting for a slot; past it, requests are refused before their body is read; undefined: twice maxConcurrentBatches. */
  maxQueuedBatches?: number;
  /** Declared gas of the batches waiting for a slot; a batch that would pass it is refused (503 OVERLOADED). */
  maxQueuedGas: number;
  /** Bytes of request bodies held at once (read, queued or executing); undefined: twice bodyLimit. */
  maxPendingBytes?: number;
  /** Event-loop delay (ms, mean over a second) past which requests other than health and metrics get 503; 0: off. */
  maxEventLoopDelayMs: number;
  /** V8 heap in use past which such requests get 503; 0: off. */
  maxHeapUsedBytes: number;
  /** A file holding the bearer token that execution and write requests must carry; undefined: no authentication. */
  authTokenFile?: string;
  logLevel: LogLevel;
  /**
   * Whether `serve` opens the GPU and creates the default engine's kernels at start-up,
   * in the background, so that the first batch does not wait for them (23.9 s of
   * pipeline creation on an H200, about 5 s on lavapipe).
   */
  gpuWarmUp: OnOff;
}

export const ON_OFF = ['on', 'off'] as const;
export type OnOff = (typeof ON_OFF)[number];

/**
 * Gas per second of the slowest engine path on the worst transaction the issue names:
 * an infinite loop (JUMPDEST PUSH0 JUMP), on the CPU after the GPU gave up, measured on
 * the 2-core development machine (test/server/adversarial.test.ts's programs;
 * README, Limits). The default batch gas is this rate times the default deadline, halved
 * for two batches sharing the CPU.
 */
export const WORST_LOOP_GAS_PER_S = 10_000_000;
const DEFAULT_BATCH_MS = 60_000;
const DEFAULT_BATCH_GAS = (WORST_LOOP_GAS_PER_S * DEFAULT_BATCH_MS) / 1000 / 2;

/** The smallest token accepted: shorter ones are guessable. */
export const MIN_TOKEN_LENGTH = 16;

/** The bearer token in `path`: the file's text without surrounding whitespace. Throws ConfigError naming `what`. */
export function readTokenFile(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${what}: cannot read ${path}: ${(e as Error).message}`);
  }
  const token = text.trim();
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) throw new ConfigError(`${what}: ${path} must hold one token of at least ${MIN_TOKEN_LENGTH} characters, without whitespace`);
  return token;
}

export const DEFAULT_CONFIG: Readonly<ServerConfig> = Object.freeze({
  // 0.0.0.0 so the service is reachable from outside a container without extra flags.
  host: '0.0.0.0',
  port: 8080,
  bodyLimit: 256 * 1024 * 1024,
  maxTxs: 200_000,
  // Sized so that a batch of nothing but infinite loops ends within the deadline (WORST_LOOP_GAS_PER_S).
  maxBatchGas: DEFAULT_BATCH_GAS,
  maxBatchMs: DEFAULT_BATCH_MS,
  maxConcurrentBatches: 2,
  maxQueuedGas: DEFAULT_BATCH_GAS,
  maxEventLoopDelayMs: 1000,
  maxHeapUsedBytes: Math.floor(getHeapStatistics().heap_size_limit * 0.85),
  logLevel: 'info',
  gpuWarmUp: 'on',
});

export const SERVICE_SETTINGS: { [K in keyof ServerConfig]-?: Setting<NonNullable<ServerConfig[K]>> } = {
  host: { flag: 'host', env: 'EVMGPU_HOST', defaultText: '`0.0.0.0`', doc: 'address to listen on', parse: nonEmpty },
  port: {
    flag: 'port', env: 'EVMGPU_PORT', defaultText: '`8080`', doc: 'TCP port (0: any free port)',
    parse: (t, what) => {
      const v = parseCount(t, what);
      if (v > 65535) throw new ConfigError(`${what}: ${v} is not a TCP port (0-65535)`);
      return v;
    },
  },
  bodyLimit: { flag: 'body-limit', env: 'EVMGPU_BODY_LIMIT', defaultText: '256 MiB', doc: 'largest request body (a size: 64MiB, 1GB)', parse: (t, what) => positive(parseSize(t, what), what) },
  maxTxs: { flag: 'max-txs', env: 'EVMGPU_MAX_TXS', defaultText: '200,000', doc: 'most transactions in one batch', parse: (t, what) => positive(parseCount(t, what), what) },
  maxBatchGas: { flag: 'max-batch-gas', env: 'EVMGPU_MAX_BATCH_GAS', defaultText: '300,000,000', doc: 'largest sum of declared transaction gas limits in one batch', parse: (t, what) => positive(parseCount(t, what), what) },
  maxBatchMs: { flag: 'max-batch-ms', env: 'EVMGPU_MAX_BATCH_MS', defaultText: '60,000 (60 s)', doc: 'milliseconds a batch may run before it is abandoned (503 EXECUTION_TIMEOUT)', parse: (t, what) => positive(parseCount(t, what), what) },
  maxConcurrentBatches: { flag: 'max-concurrent-batches', env: 'EVMGPU_MAX_CONCURRENT_BATCHES', defaultText: '2', doc: 'batches executing at once; more wait in the queue', parse: (t, what) => positive(parseCount(t, what), what) },
  maxQueuedBatches: { flag: 'max-queued-batches', env: 'EVMGPU_MAX_QUEUED_BATCHES', defaultText: 'twice `--max-concurrent-batches`', doc: 'batches waiting for a slot; past it, 503 OVERLOADED before the body is read (0: none waits)', parse: (t, what) => parseCount(t, what) },
  maxQueuedGas: { flag: 'max-queued-gas', env: 'EVMGPU_MAX_QUEUED_GAS', defaultText: '300,000,000', doc: 'declared gas of the batches waiting for a slot; past it, 503 OVERLOADED', parse: (t, what) => parseCount(t, what) },
  maxPendingBytes: { flag: 'max-pending-bytes', env: 'EVMGPU_MAX_PENDING_BYTES', defaultText: 'twice `--body-limit`', doc: 'request bodies held at once, read, queued or executing (a size); past it, 503 OVERLOADED', parse: (t, what) => positive(parseSize(t, what), what) },
  maxEventLoopDelayMs: { flag: 'max-event-loop-delay', env: 'EVMGPU_MAX_EVENT_LOOP_DELAY', defaultText: '1000', doc: 'event-loop delay in ms past which requests get 503 OVERLOADED (0: off)', parse: (t, what) => parseCount(t, what) },
  maxHeapUsedBytes: { flag: 'max-heap-used', env: 'EVMGPU_MAX_HEAP_USED', defaultText: "85% of V8's heap limit", doc: 'V8 heap in use past which requests get 503 OVERLOADED (a size; 0: off)', parse: (t, what) => parseSize(t, what) },
  authTokenFile: {
    flag: 'auth-token-file', env: 'EVMGPU_AUTH_TOKEN_FILE', defaultText: 'none (no authentication)', doc: `file holding the bearer token every request other than GET must carry (at least ${MIN_TOKEN_LENGTH} characters)`,
    parse: (t, what) => {
      const path = nonEmpty(t, what);
      readTokenFile(path, what);
      return path;
    },
  },
  logLevel: { flag: 'log-level', env: 'EVMGPU_LOG_LEVEL', defaultText: '`info`', doc: `log level: ${LOG_LEVELS.join(', ')}`, parse: oneOf(LOG_LEVELS) },
  gpuWarmUp: { flag: 'gpu-warm-up', env: 'EVMGPU_GPU_WARM_UP', defaultText: '`on`', doc: "`on`: open the GPU and create the default engine's kernels at start-up, in the background; batches run on the CPU routes until they are ready (`GET /healthz` `gpu`); `off`: the first batch with code starts them", parse: oneOf(ON_OFF) },
};
