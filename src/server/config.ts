/**
 * Service settings. Each comes from, in order of precedence: a command-line flag,
 * an environment variable, the default. Defaults are sized so that one request can
 * carry a rollup-sized batch (100k+ transactions, tens of MiB of JSON).
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

/** Flag name (as given to `evmgpu serve`) and environment variable of each setting. */
export const CONFIG_SOURCES: Record<keyof ServerConfig, { flag: string; env: string }> = {
  host: { flag: 'host', env: 'EVMGPU_HOST' },
  port: { flag: 'port', env: 'EVMGPU_PORT' },
  bodyLimit: { flag: 'body-limit', env: 'EVMGPU_BODY_LIMIT' },
  maxTxs: { flag: 'max-txs', env: 'EVMGPU_MAX_TXS' },
  maxBatchGas: { flag: 'max-batch-gas', env: 'EVMGPU_MAX_BATCH_GAS' },
  logLevel: { flag: 'log-level', env: 'EVMGPU_LOG_LEVEL' },
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1000, kib: 1024, m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3,
};

/** A non-negative integer: decimal, 0x-hex, or `<digits>e<digits>` (so "1e12" works). */
export function parseCount(text: string, what: string): number {
  const s = text.trim().replace(/_/g, '');
  let v: number;
  if (/^\d+$/.test(s)) v = Number(s);
  else if (/^0x[0-9a-f]+$/i.test(s)) v = Number(BigInt(s));
  else if (/^\d+(\.\d+)?e\d+$/i.test(s)) v = Number(s);
  else throw new ConfigError(`${what}: '${text}' is not a non-negative integer`);
  if (!Number.isSafeInteger(v)) throw new ConfigError(`${what}: '${text}' is not an integer below 2^53`);
  return v;
}

/** Bytes, optionally with a unit: 1048576, 512KiB, 256MiB, 1GB. */
export function parseSize(text: string, what: string): number {
  const m = /^\s*([\d_]+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new ConfigError(`${what}: '${text}' is not a size (bytes, or with a unit such as 256MiB)`);
  const v = parseCount(m[1], what) * unit;
  if (!Number.isSafeInteger(v)) throw new ConfigError(`${what}: '${text}' is too large`);
  return v;
}

function positive(v: number, what: string): number {
  if (v < 1) throw new ConfigError(`${what}: must be at least 1`);
  return v;
}

const PARSERS: { [K in keyof ServerConfig]: (text: string, what: string) => ServerConfig[K] } = {
  host: (t, what) => {
    if (t.trim() === '') throw new ConfigError(`${what}: must not be empty`);
    return t.trim();
  },
  port: (t, what) => {
    const v = parseCount(t, what);
    if (v > 65535) throw new ConfigError(`${what}: ${v} is not a TCP port (0-65535)`);
    return v;
  },
  bodyLimit: (t, what) => positive(parseSize(t, what), what),
  maxTxs: (t, what) => positive(parseCount(t, what), what),
  maxBatchGas: (t, what) => positive(parseCount(t, what), what),
  logLevel: (t, what) => {
    const v = t.trim().toLowerCase();
    if (!(LOG_LEVELS as readonly string[]).includes(v)) throw new ConfigError(`${what}: '${t}' is not one of ${LOG_LEVELS.join(', ')}`);
    return v as LogLevel;
  },
};

/**
 * Resolves the configuration. `flags` is keyed by flag name (`body-limit`, ...) as
 * node:util parseArgs returns them; undefined and empty-string environment values
 * count as unset. Throws ConfigError naming the flag or variable at fault.
 */
export function resolveConfig(
  flags: Partial<Record<string, string | undefined>> = {},
  env: Partial<Record<string, string | undefined>> = {},
): ServerConfig {
  const out: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const key of Object.keys(CONFIG_SOURCES) as (keyof ServerConfig)[]) {
    const { flag, env: name } = CONFIG_SOURCES[key];
    const fromFlag = flags[flag];
    const fromEnv = env[name];
    if (fromFlag !== undefined) out[key] = PARSERS[key](fromFlag, `--${flag}`);
    else if (fromEnv !== undefined && fromEnv !== '') out[key] = PARSERS[key](fromEnv, name);
  }
  return out as unknown as ServerConfig;
}
