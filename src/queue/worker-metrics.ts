import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ResultRecord } from './record.js';

/**
 * A worker's /metrics: its throughput (batches, transactions, gas; rate() of the
 * counters), how long each batch ran, the redeliveries it received and the deliveries
 * it acknowledged without running (a result already stored). Every series carries the
 * worker's id, so several workers scraped into one Prometheus stay apart.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly redeliveries: Counter;
  readonly alreadyDone: Counter;
  readonly busy: Gauge;
  private readonly batches: Counter<'outcome'>;
  private readonly txs: Counter;
  private readonly gas: Counter;
  private readonly duration: Histogram;

  constructor(workerId: string) {
    this.registry.setDefaultLabels({ worker: workerId });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.batches = new Counter({ name: 'evmgpu_worker_batches_total', help: 'Batches this worker ran and stored, by outcome (result or error)', labelNames: ['outcome'], registers });
    this.txs = new Counter({ name: 'evmgpu_worker_transactions_total', help: 'Transactions in the results this worker stored', registers });
    this.gas = new Counter({ name: 'evmgpu_worker_gas_total', help: 'Gas used by the transactions in the results this worker stored', registers });
    this.duration = new Histogram({
      name: 'evmgpu_worker_batch_duration_seconds',
      help: 'Execution time of a batch on this worker',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 180],
      registers,
    });
    this.redeliveries = new Counter({ name: 'evmgpu_worker_redeliveries_total', help: 'Batches this worker received again after another delivery went unacknowledged', registers });
    this.alreadyDone = new Counter({ name: 'evmgpu_worker_already_done_total', help: 'Deliveries acknowledged without running: the result was already stored', registers });
    this.busy = new Gauge({ name: 'evmgpu_worker_busy', help: '1 while this worker runs a batch', registers });
  }

  observe(r: ResultRecord): void {
    this.batches.inc({ outcome: r.result ? 'result' : 'error' });
    this.duration.observe(r.ms / 1000);
    if (!r.result) return;
    this.txs.inc(r.result.results.length);
    let gas = 0n;
    for (const t of r.result.results) gas += BigInt(t.gasUsed);
    this.gas.inc(Number(gas));
  }
}
