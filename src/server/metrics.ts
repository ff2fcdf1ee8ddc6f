import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CONTRACT_KERNEL_STATES, PROGRAM_STATES, type CompilerReport } from '../compiler/cache-report.js';
import type { BatchResult } from '../model/shapes.js';
import { GPU_ROUTE_STATES } from '../model/stats.js';
import type { Admission } from './admission.js';

/**
 * Prometheus metrics of one app. Each app owns its Registry (not prom-client's global
 * one) so that several apps in one process, as in tests, never collide on names.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route'>;
  private readonly batchTxs: Histogram;
  private readonly txsExecuted: Counter<'engine'>;
  private readonly txsRejected: Counter<'code'>;
  private readonly gasExecuted: Counter<'engine'>;
  private readonly phaseDuration: Histogram<'phase'>;
  private readonly fallbacks: Counter<'reason'>;

  /**
   * `compiler`: the compiler caches' report (the engine registry's), read at every scrape; it never opens a GPU.
   * `admission`: the batches running and waiting, read at every scrape.
   * `gpuRoute`: where the default engine's GPU route stands (EngineRegistry.gpuRoute), read at every scrape.
   */
  constructor(compiler: () => CompilerReport, admission?: Admission, gpuRoute?: () => string) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.registerCompilerGauges(compiler, registers);
    if (admission) this.registerAdmissionGauges(admission, registers);
    if (gpuRoute) {
      new Gauge({
        name: 'evmgpu_gpu_route',
        help: "The default engine's GPU route: 1 for its state now (closed, preparing: kernels compiling and batches on the CPU routes, ready, none), 0 for the others",
        labelNames: ['state'],
        registers,
        collect() {
          const now = gpuRoute();
          for (const state of GPU_ROUTE_STATES) this.set({ state }, state === now ? 1 : 0);
        },
      });
    }
    this.fallbacks = new Counter({
      name: 'evmgpu_speculation_fallbacks_total',
      help: 'Transactions or batches that left a GPU route for the CPU, by reason (stats.speculation.fallbacks: gpu-preparing, device-error, gpu:<outcome>, ...)',
      labelNames: ['reason'],
      registers,
    });
    this.httpRequests = new Counter({
      name: 'evmgpu_http_requests_total',
      help: 'HTTP requests answered, by route and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'evmgpu_http_request_duration_seconds',
      help: 'Time from request start to response end',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.025, 0.1, 0.5, 1, 2.5, 10, 30, 60, 180],
      registers,
    });
    this.batchTxs = new Histogram({
      name: 'evmgpu_batch_transactions',
      help: 'Transactions per executed batch',
      buckets: [1, 10, 100, 1_000, 10_000, 50_000, 100_000, 200_000],
      registers,
    });
    this.txsExecuted = new Counter({
      name: 'evmgpu_transactions_executed_total',
      help: 'Transactions included in a result, by the engine that executed them',
      labelNames: ['engine'],
      registers,
    });
    this.txsRejected = new Counter({
      name: 'evmgpu_transactions_rejected_total',
      help: 'Transactions rejected as invalid, by rejection code',
      labelNames: ['code'],
      registers,
    });
    this.gasExecuted = new Counter({
      name: 'evmgpu_gas_executed_total',
      help: 'Gas used by executed batches, by the engine that ran the batch',
      labelNames: ['engine'],
      registers,
    });
    this.phaseDuration = new Histogram({
      name: 'evmgpu_batch_phase_duration_seconds',
      help: 'Time per batch phase: decode, validate, parse (server) and the engine phases (setup, execute, diff, roots, ...)',
      labelNames: ['phase'],
      buckets: [0.0005, 0.001, 0.005, 0.025, 0.1, 0.5, 1, 2.5, 10, 30, 120],
      registers,
    });
  }

  /**
   * Gauges read from the compiler's caches when scraped (collect callbacks), so they are
   * current without any hook in the executor. Contract kernels count 0 until a GPU
   * context is open; the shared kernel's pipeline time is absent until it exists.
   */
  private registerCompilerGauges(source: () => CompilerReport, registers: Registry[]): void {
    // One report per scrape: prom-client calls every collect() in one synchronous pass.
    let memo: CompilerReport | undefined;
    const compiler = (): CompilerReport => {
      if (!memo) {
        memo = source();
        queueMicrotask(() => (memo = undefined));
      }
      return memo;
    };
    new Gauge({
      name: 'evmgpu_compiled_programs',
      help: 'Codes in the program cache, by state: compiled, or why not (too-large, create, rare, pending)',
      labelNames: ['state'],
      registers,
      collect() {
        const r = compiler().programs;
        for (const state of PROGRAM_STATES) this.set({ state }, r.byState[state]);
      },
    });
    new Gauge({
      name: 'evmgpu_program_compile_ms_total',
      help: 'Host milliseconds spent compiling (or reading from disk) every cached program',
      registers,
      collect() {
        this.set(compiler().programs.msTotal);
      },
    });
    new Gauge({
      name: 'evmgpu_program_compile_ms_max',
      help: 'Host milliseconds of the slowest program compile (or disk read)',
      registers,
      collect() {
        this.set(compiler().programs.msMax);
      },
    });
    new Gauge({
      name: 'evmgpu_contract_kernels',
      help: 'Contract kernels on the open GPU device, by state (ready, pending, failed, too-many-fragments); 0 without a GPU context',
      labelNames: ['state'],
      registers,
      collect() {
        const r = compiler().contractKernels;
        for (const state of CONTRACT_KERNEL_STATES) this.set({ state }, r?.byState[state] ?? 0);
      },
    });
    new Gauge({
      name: 'evmgpu_contract_kernel_pipeline_ms_total',
      help: 'Milliseconds from request to ready pipeline, summed over the ready contract kernels',
      registers,
      collect() {
        this.set(compiler().contractKernels?.pipelineMsTotal ?? 0);
      },
    });
    new Gauge({
      name: 'evmgpu_compiled_kernel_pipeline_ms',
      help: "Milliseconds the shared compiled-program kernel's pipeline took to create on the open device, by adapter (absent until it exists)",
      labelNames: ['adapter'],
      registers,
      collect() {
        const { compiledPipelineMs, adapter } = compiler().gpu;
        this.reset();
        if (compiledPipelineMs !== undefined) this.set({ adapter: adapter ?? 'unknown' }, compiledPipelineMs);
      },
    });
  }

  private registerAdmissionGauges(admission: Admission, registers: Registry[]): void {
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers, collect() { this.set(read()); } });
    gauge('evmgpu_batches_running', 'Batches executing now', () => admission.snapshot().running);
    gauge('evmgpu_batches_queued', 'Batches waiting for an execution slot', () => admission.snapshot().queued);
    gauge('evmgpu_queued_gas', 'Declared gas of the batches waiting for a slot', () => admission.snapshot().queuedGas);
    gauge('evmgpu_pending_body_bytes', 'Bytes of request bodies held (read, queued or executing)', () => admission.snapshot().pendingBytes);
    new Gauge({
      name: 'evmgpu_requests_refused',
      help: 'Requests refused with 503 OVERLOADED since start, by bound: waiting (slots and batches waiting), queue (queued gas), bodies (bytes held), pressure (event loop, heap)',
      labelNames: ['bound'],
      registers,
      collect() {
        for (const [bound, n] of Object.entries(admission.refused)) this.set({ bound }, n);
      },
    });
  }

  /** `route` is the route pattern, never the raw URL, to keep label cardinality bounded. */
  observeRequest(method: string, route: string, status: number, ms: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, ms / 1000);
  }

  observeBatch(result: BatchResult, phaseMs: Record<string, number>): void {
    this.batchTxs.observe(result.stats.txs);
    for (const [engine, n] of Object.entries(result.stats.engines)) this.txsExecuted.inc({ engine }, n);
    for (const r of result.rejected) this.txsRejected.inc({ code: r.code });
    this.gasExecuted.inc({ engine: result.stats.engine }, Number(result.gasUsed));
    if (result.stats.mode === 'speculative') for (const [reason, n] of Object.entries(result.stats.speculation.fallbacks)) this.fallbacks.inc({ reason }, n);
    for (const [phase, ms] of Object.entries(phaseMs)) {
      if (Number.isFinite(ms)) this.phaseDuration.observe({ phase }, ms / 1000);
    }
  }

  contentType(): string {
    return this.registry.contentType;
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }
}
