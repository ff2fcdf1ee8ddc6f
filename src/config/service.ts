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
  logLevel: LogLevel;
}

export const DEFAULT_CONFIG: Readonly<ServerConfig> = Object.freeze({
  // 0.0.0.0 so the service is reachable from outside a container without extra flags.
  host: '0.0.0.0',
  port: 8080,
  bodyLimit: 256 * 1024 * 1024,
  maxTxs: 200_000,
  // 200k transactions at 5M gas each: far above any real batch, low enough to refuse absurd ones.
  maxBatchGas: 1e12,
  logLevel: 'info',
});

export const SERVICE_SETTINGS: { [K in keyof ServerConfig]: Setting<ServerConfig[K]> } = {
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
  maxBatchGas: { flag: 'max-batch-gas', env: 'EVMGPU_MAX_BATCH_GAS', defaultText: '10^12', doc: 'largest sum of declared transaction gas limits in one batch', parse: (t, what) => positive(parseCount(t, what), what) },
  logLevel: { flag: 'log-level', env: 'EVMGPU_LOG_LEVEL', defaultText: '`info`', doc: `log level: ${LOG_LEVELS.join(', ')}`, parse: oneOf(LOG_LEVELS) },
};
