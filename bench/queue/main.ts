import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import type { WireBatch } from '../../src/model/shapes.js';
import { spawnServe, spawnService, type ChildService } from '../../test/support/child-service.js';
import { startNatsServer, type NatsServer } from '../../test/support/nats-server.js';
import { untilGpuSettled } from '../http/gpu-ready.js';
import { workloadCases } from '../workloads/index.js';
import { cpuSeconds, drive, type DriveFigures } from './drive.js';
import { renderQueueReport, type QueueReport } from './report.js';

/**
 * The distributed mode's benchmark: the same batches through the in-process service and
 * through a front, NATS JetStream and 1, 2 and 4 worker processes on this machine; then
 * small batches one at a time, for the queue's overhead per batch (the front's latency
 * less the worker's execution time), and the CPU the front and the NATS server spend
 * per batch, which bound how many GPU machines one front and one NATS server can feed.
 *
 *   npm run bench:queue -- [--workers 1,2,4] [--batches 40] [--txs 200] [--workload erc20-transfer]
 *                          [--engine auto] [--clients 4] [--small 60] [--report dir]
 */
const { values: a } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2,4' },
    batches: { type: 'string', default: '40' },
    txs: { type: 'string', default: '200' },
    workload: { type: 'string', default: 'erc20-transfer' },
    engine: { type: 'string', default: 'auto' },
    clients: { type: 'string', default: '4' },
    small: { type: 'string', default: '60' },
    report: { type: 'string', default: 'bench/results/latest-queue' },
  },
});
const workerCounts = a.workers!.split(',').map(Number);
const count = Number(a.batches);
const clients = Number(a.clients);
const engine = a.engine!;
const log = (s: string) => process.stderr.write(`${s}\n`);
const tsx = createRequire(import.meta.url).resolve('tsx');
const root = new URL('../..', import.meta.url);

/** `count` distinct batches of the workload (one seed each, from `seed0`), on the engine. */
function batches(workload: string, txs: number, n: number, seed0: number): WireBatch[] {
  return Array.from({ length: n }, (_, i) => {
    const c = workloadCases(workload, { sizes: [txs], seed: seed0 + i }).next().value!;
    return { ...c.batch, options: { ...c.batch.options, engine } };
  });
}

const measured = batches(a.workload!, Number(a.txs), count, 1_000);
const small = batches('native-transfer', 1, Number(a.small), 5_000);
const warm = (n: number, seed: number) => batches(a.workload!, Number(a.txs), n, seed);
const servingArgs = ['--host', '127.0.0.1', '--port', '0', '--log-level', 'info', '--max-event-loop-delay', '0', '--max-batch-ms', '300000'];

async function stop(s: ChildService | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  s.child.kill(signal);
  await s.exited;
}

/** The in-process service: warmed with two batches, then the measured run and the small batches one at a time. */
async function inProcess(): Promise<{ run: DriveFigures; small: DriveFigures }> {
  const serve = spawnServe(servingArgs, { EVMGPU_GPU_WARM_UP: 'on' });
  try {
    const base = await serve.listening;
    await untilGpuSettled(base);
    await drive(base, warm(2, 100), 1);
    const run = await drive(base, measured, clients);
    const one = await drive(base, small, 1);
    return { run, small: one };
  } finally {
    await stop(serve);
  }
}

interface QueuedFigures {
  workers: number;
  run: DriveFigures;
  frontCpuMsPerBatch: number;
  natsCpuMsPerBatch: number;
  adapters: string[];
  small?: DriveFigures;
}

/** A front, a fresh NATS server and `k` workers: warmed until every worker has run a batch, then the measured run (and with one worker, the small batches). */
async function queued(k: number): Promise<QueuedFigures> {
  let nats: NatsServer | undefined;
  let front: ChildService | undefined;
  const workers: ChildService[] = [];
  try {
    nats = await startNatsServer({ maxPayload: '8MB' });
    front = spawnServe([...servingArgs, '--nats', nats.url, '--nats-prefix', 'bench'], { EVMGPU_NATS: '' });
    for (let i = 0; i < k; i++) {
      workers.push(
        spawnService(['--import', tsx, 'src/cli/main.ts', 'worker', '--nats', nats.url, '--nats-prefix', 'bench', '--host', '127.0.0.1', '--metrics-port', '0', '--max-batch-ms', '300000'], {
          cwd: root,
          env: { ...process.env, EVMGPU_NATS: '', EVMGPU_WORKER_METRICS_PORT: '', EVMGPU_GPU_WARM_UP: 'on' },
        }),
      );
    }
    const base = await front.listening;
    await Promise.all(workers.map(async (w) => untilGpuSettled(await w.listening)));
    // Every worker must have run a batch (its kernels made, its threads up) before the timed run.
    let seed = 200;
    for (let round = 0; round < 10; round++) {
      const list = ((await (await fetch(`${base}/v1/workers`)).json()) as { workers: { executed: number }[] }).workers;
      if (list.length === k && list.every((w) => w.executed > 0)) break;
      await drive(base, warm(2 * k, seed), 2 * k);
      seed += 2 * k;
    }
    const frontCpu0 = await cpuSeconds(front.child.pid!);
    const natsCpu0 = await cpuSeconds(nats.child.pid!);
    const run = await drive(base, measured, clients);
    const frontCpuMsPerBatch = (((await cpuSeconds(front.child.pid!)) - frontCpu0) * 1000) / measured.length;
    const natsCpuMsPerBatch = (((await cpuSeconds(nats.child.pid!)) - natsCpu0) * 1000) / measured.length;
    const list = ((await (await fetch(`${base}/v1/workers`)).json()) as { workers: { adapter?: string }[] }).workers;
    const out: QueuedFigures = { workers: k, run, frontCpuMsPerBatch: Math.round(frontCpuMsPerBatch * 10) / 10, natsCpuMsPerBatch: Math.round(natsCpuMsPerBatch * 10) / 10, adapters: [...new Set(list.map((w) => w.adapter ?? 'not opened'))] };
    if (k === 1) out.small = await drive(base, small, 1);
    return out;
  } finally {
    for (const w of workers) await stop(w);
    await stop(front);
    await nats?.stop();
  }
}

const started = new Date();
const load0 = loadavg()[1];
log(`in process: ${count} batches of ${a.txs} ${a.workload} transactions, ${clients} clients`);
const base = await inProcess();
log(`  ${base.run.batchesPerS} batches/s, ${base.run.txPerS} tx/s; small batches p50 ${base.small.latencyMs.p50} ms`);
const rows: QueuedFigures[] = [];
for (const k of workerCounts) {
  log(`queue, ${k} worker${k > 1 ? 's' : ''}`);
  const r = await queued(k);
  rows.push(r);
  log(`  ${r.run.batchesPerS} batches/s, ${r.run.txPerS} tx/s; front ${r.frontCpuMsPerBatch} CPU ms a batch, NATS ${r.natsCpuMsPerBatch}`);
}
const report: QueueReport = {
  date: started.toISOString(),
  machine: { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAvg5Before: load0 },
  options: { workload: a.workload!, txs: Number(a.txs), batches: count, clients, engine, small: small.length },
  inProcess: base,
  queued: rows,
};
mkdirSync(a.report!, { recursive: true });
writeFileSync(join(a.report!, 'queue.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(a.report!, 'queue.md'), renderQueueReport(report));
process.stdout.write(renderQueueReport(report));
