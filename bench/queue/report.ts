import type { DriveFigures } from './drive.js';

export interface QueueReport {
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; loadAvg5Before: number };
  options: { workload: string; txs: number; batches: number; clients: number; engine: string; small: number };
  inProcess: { run: DriveFigures; small: DriveFigures };
  queued: { workers: number; run: DriveFigures; frontCpuMsPerBatch: number; natsCpuMsPerBatch: number; adapters: string[]; small?: DriveFigures }[];
}

/** The report as markdown: throughput by worker count against in process, the queue's overhead on small batches, and the CPU per batch of the front and NATS. */
export function renderQueueReport(r: QueueReport): string {
  const o = r.options;
  const lines = [
    `# Distributed mode: throughput and overhead (${r.date})`,
    '',
    `Machine: ${r.machine.cpu} x${r.machine.cores}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; load average (5 min) before: ${r.machine.loadAvg5Before.toFixed(2)}.`,
    `Every process (front, NATS, workers, the client) on this one machine.`,
    '',
    `## Throughput: ${o.batches} batches of ${o.txs} ${o.workload} transactions, engine \`${o.engine}\`, ${o.clients} clients`,
    '',
    '| setup | batches/s | tx/s | × in process | latency p50 / p90 (ms) | front CPU ms a batch | NATS CPU ms a batch | adapters | batches by worker |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| in process | ${r.inProcess.run.batchesPerS} | ${r.inProcess.run.txPerS} | 1.00 | ${r.inProcess.run.latencyMs.p50} / ${r.inProcess.run.latencyMs.p90} | | | | |`,
    ...r.queued.map(
      (q) =>
        `| ${q.workers} worker${q.workers > 1 ? 's' : ''} | ${q.run.batchesPerS} | ${q.run.txPerS} | ${(q.run.batchesPerS / r.inProcess.run.batchesPerS).toFixed(2)} | ${q.run.latencyMs.p50} / ${q.run.latencyMs.p90} | ${q.frontCpuMsPerBatch} | ${q.natsCpuMsPerBatch} | ${q.adapters.join(', ')} | ${Object.values(q.run.byWorker ?? {}).sort((x, y) => y - x).join(', ')} |`,
    ),
    '',
  ];
  const one = r.queued.find((q) => q.small);
  if (one?.small) {
    const s = one.small;
    lines.push(
      `## Overhead per batch: ${o.small} batches of one transfer, one at a time, one worker`,
      '',
      '| setup | latency p50 / p90 (ms) | on the worker p50 (ms) | the queue\'s share p50 / p90 (ms) |',
      '| --- | --- | --- | --- |',
      `| in process | ${r.inProcess.small.latencyMs.p50} / ${r.inProcess.small.latencyMs.p90} | | |`,
      `| front → NATS → worker → result | ${s.latencyMs.p50} / ${s.latencyMs.p90} | ${s.workerMs?.p50} | ${s.overheadMs?.p50} / ${s.overheadMs?.p90} |`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
