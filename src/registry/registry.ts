import { CompilerCaches } from '../compiler/caches.js';
import type { CompilerReport } from '../compiler/cache-report.js';
import { defaultRuntimeConfig, type RuntimeConfig } from '../config/runtime.js';
import type { Engine } from '../engine/engine.js';
import { ServiceError } from '../errors/service-error.js';
import type { GpuRouteState } from '../model/stats.js';
import type { GpuContext } from '../gpu/device.js';
import { GpuRuntime } from '../gpu/runtime.js';
import { SpeculativeEngine, type SpeculationConfig } from '../speculation/engine.js';
import { OffThreadReference } from '../speculation/workers/off-thread.js';
import { CpuWorkerPool } from '../speculation/workers/worker-pool.js';
import { CodeTable, SHARED_CODE_BYTES } from '../wire/code-table.js';
import { SPECULATIVE_ENGINES } from './engines.js';

export const ENGINE_NAMES = ['reference', 'cpu', 'gpu', 'gpu-interpreter', 'auto'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export interface RegistryOptions {
  /** Opens GPU devices; default the real adapter (tests substitute failing ones). */
  openGpu?: () => Promise<GpuContext>;
  /** Per-engine changes to the speculation configurations (tests: speculation from one transaction on). */
  overrides?: Partial<Record<EngineName, Partial<SpeculationConfig>>>;
  /** Batches on `auto` wait for GPU kernels still being made rather than take the CPU routes (SpeculationDeps.waitForKernels). */
  waitForKernels?: boolean;
}

/**
 * Engines by name, and what they share: the GPU runtime (device, pipelines, compiled
 * programs, contract kernels) and the CPU worker pool. The registry owns both and is
 * the only one to close them; `auto`, the service default, is the parallel engine.
 * Batches parsed with its `codes` hold one array per code across requests, so the
 * engines' per-code work (hash, analyses, programs) carries from batch to batch.
 */
export class EngineRegistry {
  readonly gpu: GpuRuntime;
  readonly codes = new CodeTable(SHARED_CODE_BYTES);
  readonly compiler: CompilerCaches;
  readonly pool: CpuWorkerPool;
  private readonly engines = new Map<string, Engine>();

  constructor(runtime: RuntimeConfig = defaultRuntimeConfig(), opts: RegistryOptions = {}) {
    this.compiler = new CompilerCaches(runtime);
    this.gpu = new GpuRuntime({ policies: this.compiler.policies, open: opts.openGpu });
    this.pool = new CpuWorkerPool(runtime.cpuWorkers);
    const deps = { gpu: this.gpu, pool: this.pool, waitForKernels: opts.waitForKernels };
    for (const name of ENGINE_NAMES) {
      // The reference runs on an exec thread, so a long batch never blocks the event loop.
      if (name === 'reference') this.engines.set(name, new OffThreadReference(this.pool.exec));
      else this.engines.set(name, new SpeculativeEngine({ ...SPECULATIVE_ENGINES[name], ...opts.overrides?.[name] }, deps));
    }
  }

  names(): string[] {
    return [...this.engines.keys()];
  }

  describe(): { name: string; resolvesTo: string; description: string }[] {
    return [...this.engines.entries()].map(([name, e]) => ({ name, resolvesTo: e.name, description: e.description }));
  }

  /** The engine for `name` (default `auto`), or a coded UNKNOWN_ENGINE error. */
  get(name: string | undefined): Engine {
    const e = this.engines.get(name ?? 'auto');
    if (!e) throw new ServiceError('UNKNOWN_ENGINE', [JSON.stringify(name)], [{ path: '/options/engine', message: `known engines: ${this.names().join(', ')}` }]);
    return e;
  }

  /** Warms engine `name` up (Engine.warmUp): whether it opened anything, and how long that took. */
  async warmUp(name: string = 'auto'): Promise<{ opened: boolean; ms: number }> {
    const t = performance.now();
    const opened = (await this.get(name).warmUp?.()) ?? false;
    return { opened, ms: Math.round(performance.now() - t) };
  }

  /**
   * Where engine `name`'s GPU route stands (GET /healthz): `preparing` while a warm-up or
   * a first batch makes its kernels (batches take the CPU routes meanwhile), `ready`,
   * `closed` before either, `none` for an engine without one.
   */
  gpuRoute(name: string = 'auto'): GpuRouteState {
    const e = this.get(name);
    return e instanceof SpeculativeEngine ? e.gpuRoute() : 'none';
  }

  /** The compiler's caches now, with the open device's contract kernels; never opens a device. */
  compilerReport(top?: number): CompilerReport {
    return this.compiler.report(this.gpu.current(), top);
  }

  async close(): Promise<void> {
    for (const e of this.engines.values()) await e.close?.();
    await this.pool.close();
    await this.gpu.close();
  }
}
