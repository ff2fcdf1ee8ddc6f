import { CHAIN_SETTINGS, DEFAULT_CHAIN_CONFIG, type ChainConfig } from './chain.js';
import type { Environment } from './environment.js';
import { DEFAULT_QUEUE_CONFIG, QUEUE_SETTINGS, type QueueConfig } from './queue.js';
import { defaultRuntimeConfig, RUNTIME_SETTINGS, type RuntimeConfig } from './runtime.js';
import { DEFAULT_CONFIG, SERVICE_SETTINGS, type ServerConfig } from './service.js';
import type { Setting } from './setting.js';

/** The whole configuration: the service's settings, the chain's, the queue's and the engines' runtime. */
export interface Config {
  service: ServerConfig;
  chain: ChainConfig;
  queue: QueueConfig;
  runtime: RuntimeConfig;
}

/** Every setting, service first, in the order help and docs list them. */
export const SETTINGS: readonly Setting<unknown>[] = [
  ...Object.values(SERVICE_SETTINGS),
  ...Object.values(CHAIN_SETTINGS),
  ...Object.values(QUEUE_SETTINGS),
  ...Object.values(RUNTIME_SETTINGS),
];

/** What `evmgpu worker` takes: the queue's settings (its metrics port among them), the batch deadline and log level, and the runtime's. */
export const WORKER_SETTINGS: readonly Setting<unknown>[] = [
  SERVICE_SETTINGS.host,
  SERVICE_SETTINGS.maxBatchMs,
  SERVICE_SETTINGS.logLevel,
  SERVICE_SETTINGS.gpuWarmUp,
  ...Object.values(QUEUE_SETTINGS),
  ...Object.values(RUNTIME_SETTINGS),
];

/** What `evmgpu serve` takes: all but the worker's own port. */
export const SERVE_SETTINGS: readonly Setting<unknown>[] = SETTINGS.filter((s) => s !== QUEUE_SETTINGS.workerMetricsPort);

/** Flags and variables of the runtime settings: every command that runs engines takes them. */
export const RUNTIME_FLAGS: readonly string[] = Object.values(RUNTIME_SETTINGS).map((s) => s.flag);

function resolveSection<T extends object>(table: { [K in keyof T]-?: Setting<unknown> }, defaults: T, flags: Partial<Record<string, string | undefined>>, env: Environment): T {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, s] of Object.entries(table) as [string, Setting<unknown>][]) {
    const fromFlag = flags[s.flag];
    const fromEnv = env[s.env];
    if (fromFlag !== undefined) out[key] = s.parse(fromFlag, `--${s.flag}`);
    else if (fromEnv !== undefined && fromEnv !== '') out[key] = s.parse(fromEnv, s.env);
  }
  return out as T;
}

/**
 * Resolves the configuration once, at start-up: each setting from its flag (keyed by
 * flag name, `body-limit`, as node:util parseArgs returns them), else its environment
 * variable, else its default. Undefined and empty variables count as unset. Throws
 * ConfigError naming the flag or variable at fault.
 */
export function resolveConfig(flags: Partial<Record<string, string | undefined>> = {}, env: Environment = {}): Config {
  return {
    service: resolveSection(SERVICE_SETTINGS, { ...DEFAULT_CONFIG }, flags, env),
    chain: resolveSection(CHAIN_SETTINGS, { ...DEFAULT_CHAIN_CONFIG }, flags, env),
    queue: resolveSection(QUEUE_SETTINGS, { ...DEFAULT_QUEUE_CONFIG }, flags, env),
    runtime: resolveSection(RUNTIME_SETTINGS, defaultRuntimeConfig(env), flags, env),
  };
}

/** `--flag  VARIABLE  default: ...` lines for a command's help. */
export function settingsHelp(settings: readonly Setting<unknown>[] = SETTINGS): string {
  return settings.map((s) => `  --${s.flag.padEnd(19)} ${s.env.padEnd(26)} ${s.doc}; default ${s.defaultText.replace(/`/g, '')}`).join('\n');
}
