import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from './environment.js';
import type { Setting } from './setting.js';
import { nonEmpty, oneOf, parseCount, positive } from './values.js';

/**
 * How the engines run: CPU worker threads, where compiled code is kept, and the
 * compiler's per-contract kernels. Read once at start-up (resolve.ts) and handed to the
 * engine registry, which hands each part to what owns it.
 */
export const CONTRACT_KERNEL_MODES = ['off', 'background', 'wait'] as const;
/**
 * Kernels of a contract's own (src/compiler/contract-kernels.ts). `off`: never.
 * `background`: a hot code gets its kernel created in the background and uses it once
 * it exists. `wait`: every compiled code's kernel is created before its dispatch
 * (tests, benchmarks).
 */
export type ContractKernelMode = (typeof CONTRACT_KERNEL_MODES)[number];
export const CONTRACT_FRAGMENT_CHOICES = ['all', 'entered'] as const;
/** What a contract kernel holds: every fragment, or those one sample call entered. */
export type ContractFragments = (typeof CONTRACT_FRAGMENT_CHOICES)[number];

export interface RuntimeConfig {
  /** Worker threads of the CPU route. */
  cpuWorkers: number;
  /** Compiled programs and emitted contract WGSL on disk; false: memory only. */
  cacheDir: string | false;
  /** Undefined: by adapter, `background` on a hardware GPU and `off` on a software one (lavapipe compiles a contract's shader in seconds to minutes). */
  contractKernels?: ContractKernelMode;
  /** Undefined: by adapter, `all` on a hardware GPU and `entered` on a software one. */
  contractFragments?: ContractFragments;
}

export const RUNTIME_SETTINGS: { [K in keyof RuntimeConfig]-?: Setting<NonNullable<RuntimeConfig[K]>> } = {
  cpuWorkers: { flag: 'cpu-workers', env: 'EVMGPU_CPU_WORKERS', defaultText: 'one per core', doc: 'worker threads of the CPU route', parse: (t, what) => positive(parseCount(t, what), what) },
  cacheDir: { flag: 'cache-dir', env: 'EVMGPU_CACHE_DIR', defaultText: '`$XDG_CACHE_HOME/evmgpu`', doc: 'compiled programs and emitted contract WGSL on disk', parse: nonEmpty },
  contractKernels: {
    flag: 'contract-kernels', env: 'EVMGPU_CONTRACT_KERNELS', defaultText: '`background` on a hardware GPU, `off` on a software adapter',
    doc: `kernels of a hot contract's own: ${CONTRACT_KERNEL_MODES.join(', ')} (src/compiler/README.md)`, parse: oneOf(CONTRACT_KERNEL_MODES),
  },
  contractFragments: {
    flag: 'contract-fragments', env: 'EVMGPU_CONTRACT_FRAGMENTS', defaultText: '`all` on a hardware GPU, `entered` on a software adapter',
    doc: 'what such a kernel holds: every fragment, or those a sample call entered', parse: oneOf(CONTRACT_FRAGMENT_CHOICES),
  },
};

/** The defaults on this machine: one worker per core, the cache under XDG_CACHE_HOME (else ~/.cache). */
export function defaultRuntimeConfig(env: Environment = {}): RuntimeConfig {
  return {
    cpuWorkers: Math.max(1, availableParallelism()),
    cacheDir: join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'evmgpu'),
  };
}
