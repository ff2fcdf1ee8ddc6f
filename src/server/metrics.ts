import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BatchResult } from '../model/shapes.js';

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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
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
