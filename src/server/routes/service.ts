import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { CONTRACT_KERNEL_STATES, DEFAULT_TOP, PROGRAM_STATES } from '../../compiler/cache-report.js';
import { GPU_ROUTE_STATES } from '../../model/stats.js';
import { errorResponses } from '../docs.js';
import { OPEN_UNDER_PRESSURE } from '../pressure.js';
import type { EngineRegistryLike } from '../engines.js';
import type { ServiceMetrics } from '../metrics.js';
import { VERSION } from '../version.js';

/** The default engine's GPU route (EngineRegistry.gpuRoute). */
const GPU_ROUTE = Type.Union(GPU_ROUTE_STATES.map((s) => Type.Literal(s)), {
  description: "the default engine's GPU kernels: `preparing` while they compile (batches run on the CPU routes meanwhile, with the same results), `ready`, `closed` until a warm-up or a batch with code opens them, `none` without a GPU route",
});

const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  engines: Type.Array(Type.String(), { description: 'engine names accepted in options.engine' }),
  uptimeSeconds: Type.Number(),
  gpu: GPU_ROUTE,
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

const ms = (description: string) => Type.Number({ description });
const byState = (states: readonly string[]) => Type.Object(Object.fromEntries(states.map((s) => [s, Type.Integer()])));
const cacheRow = {
  key: Type.String({ description: '<code hash>-<fork>-v<compiler version>' }),
  codeHash: Type.String(),
  fork: Type.String(),
  bytes: Type.Integer(),
  calls: Type.Integer({ description: 'calls that ran this code, across dispatches' }),
};

const StatsSchema = Type.Object({
  compiler: Type.Object(
    {
      programs: Type.Object({
        codes: Type.Integer({ description: 'distinct codes seen (per fork and compiler version)' }),
        calls: Type.Integer(),
        byState: byState(PROGRAM_STATES),
        bySource: Type.Object({ compiled: Type.Integer(), disk: Type.Integer() }),
        queued: Type.Optional(Type.Integer({ description: 'codes queued for a compile now' })),
        msTotal: ms('host time compiling or reading every program'),
        msMax: ms('the slowest one'),
        top: Type.Array(
          Type.Object({
            ...cacheRow,
            state: Type.String(),
            source: Type.Optional(Type.String()),
            ms: Type.Optional(Type.Number()),
            fragments: Type.Optional(Type.Integer()),
            programWords: Type.Optional(Type.Integer()),
          }),
          { description: `the busiest codes, most calls first (at most ${DEFAULT_TOP})` },
        ),
      }),
      gpu: Type.Object({
        open: Type.Boolean({ description: 'a GPU context is open; this route never opens one' }),
        adapter: Type.Optional(Type.String()),
        software: Type.Optional(Type.Boolean()),
        compiledPipelineMs: Type.Optional(ms("creation time of the shared compiled-program kernel's pipeline")),
      }),
      contractKernels: Type.Optional(
        Type.Object(
          {
            codes: Type.Integer(),
            byState: byState(CONTRACT_KERNEL_STATES),
            emitMsTotal: Type.Number(),
            emitMsMax: Type.Number(),
            pipelineMsTotal: Type.Number(),
            pipelineMsMax: Type.Number(),
            top: Type.Array(
              Type.Object({
                ...cacheRow,
                state: Type.String(),
                fragments: Type.Optional(Type.Integer()),
                wgslBytes: Type.Optional(Type.Integer()),
                emitMs: Type.Optional(Type.Number()),
                pipelineMs: Type.Optional(Type.Number()),
                error: Type.Optional(Type.String()),
              }),
            ),
          },
          { description: "each contract's own kernels on the open device; absent without a GPU context" },
        ),
      ),
    },
    { description: "the compiler's caches: programs (process-wide) and contract kernels (per device)" },
  ),
});

/** Health, engine listing, service stats and Prometheus metrics. */
export function registerServiceRoutes(app: FastifyInstance, registry: EngineRegistryLike, metrics: ServiceMetrics): void {
  const started = performance.now();
  const internal = errorResponses(['INTERNAL']);

  // Health and metrics are answered under pressure too: an overloaded service can still be watched.
  app.get('/healthz', { config: OPEN_UNDER_PRESSURE, schema: { tags: ['service'], summary: 'Liveness', response: { 200: HealthSchema, ...internal } } }, async () => ({
    status: 'ok' as const,
    version: VERSION,
    engines: registry.names(),
    uptimeSeconds: Math.round((performance.now() - started) / 1000),
    gpu: registry.gpuRoute?.() ?? ('none' as const),
  }));

  app.get('/v1/engines', { schema: { tags: ['service'], summary: 'Engines this server runs', response: { 200: EnginesSchema, ...internal } } }, async () => ({
    default: 'auto',
    engines: registry.describe(),
  }));

  app.get('/v1/stats', { schema: { tags: ['service'], summary: 'Compiler caches: programs and contract kernels', response: { 200: StatsSchema, ...internal } } }, async () => ({
    compiler: registry.compilerReport(),
  }));

  app.get(
    '/metrics',
    {
      config: OPEN_UNDER_PRESSURE,
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
