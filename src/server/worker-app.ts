import Fastify, { type FastifyInstance } from 'fastify';
import { VERSION } from './version.js';
import type { WorkerMetrics } from '../queue/worker-metrics.js';
import type { QueueWorker } from '../queue/worker.js';

/** A worker's own small HTTP side: /healthz (liveness, its id, its GPU route, the batch in hand) and /metrics (Prometheus text). */
export function buildWorkerApp(worker: QueueWorker, metrics: WorkerMetrics, logLevel: string, gpu: () => string): FastifyInstance {
  const app = Fastify({ logger: { level: logLevel } });
  app.get('/healthz', async () => ({ status: 'ok', version: VERSION, role: 'worker', worker: worker.id, gpu: gpu(), ...(worker.current ? { batch: worker.current } : {}) }));
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  return app;
}
