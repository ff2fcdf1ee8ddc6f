import { settingsHelp, WORKER_SETTINGS } from '../../config/resolve.js';
import { readSettings } from '../settings-args.js';
import { ConfigError } from '../../config/values.js';
import { buildWorkerApp } from '../../server/worker-app.js';
import { WorkerMetrics } from '../../queue/worker-metrics.js';
import { QueueWorker, workerId } from '../../queue/worker.js';
import { EngineRegistry } from '../../registry/registry.js';
import { SHUTDOWN_SIGNALS } from '../../server/serve.js';
import { openQueue } from './queue-open.js';

const HELP = `usage: evmgpu worker --nats <urls> [--nats-prefix <name>] [--queue-ack-wait <ms>] [--max-batch-ms <ms>]
                     [--host <addr>] [--metrics-port <n>] [--log-level <level>] [--gpu-warm-up on|off]
                     [--cpu-workers <n>] [--cache-dir <dir>] [--contract-kernels <mode>] [--contract-fragments <which>]

Takes batches from the queue of a distributed deployment (the front is \`evmgpu serve
--nats\`), one at a time, runs each on this machine's engines, stores its result under
the batch's hash and acknowledges it. Serves /healthz and /metrics on --metrics-port.
On SIGINT or SIGTERM it finishes the batch in hand and exits 0; a worker that dies
mid-batch leaves it to another worker after the ack wait.

${settingsHelp(WORKER_SETTINGS)}`;

export async function run(args: string[]): Promise<number> {
  const config = readSettings('worker', args, WORKER_SETTINGS, HELP, (c) => {
    if (c.queue.nats === false) throw new ConfigError('--nats (or EVMGPU_NATS) is required: the NATS server of the queue');
  });
  if (typeof config === 'number') return config;
  const queue = await openQueue('worker', config.queue, 'worker');
  if (!queue) return 1;
  const registry = new EngineRegistry(config.runtime);
  const log = (msg: string, fields: Record<string, unknown> = {}) => console.error(JSON.stringify({ level: 'warn', msg, ...fields }));
  const id = workerId();
  const metrics = new WorkerMetrics(id);
  const worker = new QueueWorker(queue, registry, metrics, { id, maxBatchMs: config.service.maxBatchMs, log });
  const app = buildWorkerApp(worker, metrics, config.service.logLevel, () => registry.gpuRoute());
  try {
    await app.listen({ host: config.service.host, port: config.queue.workerMetricsPort });
  } catch (e) {
    console.error(`worker: cannot listen on ${config.service.host}:${config.queue.workerMetricsPort}: ${(e as Error).message}`);
    await queue.close();
    await registry.close();
    return 1;
  }
  const onSignal = () => {
    for (const s of SHUTDOWN_SIGNALS) process.off(s, onSignal);
    worker.stop();
  };
  for (const s of SHUTDOWN_SIGNALS) process.on(s, onSignal);
  if (config.service.gpuWarmUp === 'on') void registry.warmUp().catch(() => undefined);
  app.log.info({ worker: worker.id, nats: config.queue.nats, prefix: config.queue.natsPrefix }, 'worker taking batches');
  try {
    await worker.run();
  } finally {
    await app.close();
    await queue.close();
    await registry.close();
  }
  return 0;
}
