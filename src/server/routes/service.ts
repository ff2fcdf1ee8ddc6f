import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errorResponses } from '../docs.js';
import type { EngineRegistryLike } from '../engines.js';
import type { ServiceMetrics } from '../metrics.js';
import { VERSION } from '../version.js';

const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  engines: Type.Array(Type.String(), { description: 'engine names accepted in options.engine' }),
  uptimeSeconds: Type.Number(),
});

const EnginesSchema = Type.Object({
  default: Type.String({ description: 'engine used when options.engine is absent' }),
  engines: Type.Array(
    Type.Object({
      name: Type.String(),
      resolvesTo: Type.String({ description: 'the engine that actually runs under this name' }),
      description: Type.String(),
    }),
  ),
});

/** Health, engine listing and Prometheus metrics. */
export function registerServiceRoutes(app: FastifyInstance, registry: EngineRegistryLike, metrics: ServiceMetrics): void {
  const started = performance.now();
  const internal = errorResponses(['INTERNAL']);

  app.get('/healthz', { schema: { tags: ['service'], summary: 'Liveness', response: { 200: HealthSchema, ...internal } } }, async () => ({
    status: 'ok' as const,
    version: VERSION,
    engines: registry.names(),
    uptimeSeconds: Math.round((performance.now() - started) / 1000),
  }));

  app.get('/v1/engines', { schema: { tags: ['service'], summary: 'Engines this server runs', response: { 200: EnginesSchema, ...internal } } }, async () => ({
    default: 'auto',
    engines: registry.describe(),
  }));

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['service'],
        summary: 'Prometheus metrics',
        produces: ['text/plain'],
        response: { 200: { type: 'string', description: 'Prometheus text exposition format' }, ...internal },
      },
    },
    async (_request, reply) => reply.type(metrics.contentType()).send(await metrics.render()),
  );
}
