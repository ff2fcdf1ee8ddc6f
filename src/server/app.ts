import Fastify, { type FastifyInstance } from 'fastify';
import { EngineRegistry } from '../registry/registry.js';
import { DEFAULT_CONFIG, readTokenFile, type ServerConfig } from '../config/service.js';
import { Admission } from './admission.js';
import { registerAuth } from './auth.js';
import { registerBodyParsers } from './content.js';
import { registerDocs } from './docs.js';
import type { EngineRegistryLike } from './engines.js';
import { classifyError, clientErrorHandler, registerErrorHandling, sendError } from './errors.js';
import { ServiceMetrics } from './metrics.js';
import { registerPressure } from './pressure.js';
import { registerRequestIdEcho, requestId } from './request-id.js';
import { decorateRequestState } from './request-state.js';
import { registerChainRoutes, type ChainApi } from './routes/chain.js';
import { registerExecuteRoute } from './routes/execute.js';
import { registerQueueRoutes } from './routes/queue.js';
import type { BatchQueue } from '../queue/connection.js';
import { QueueFront } from '../queue/front.js';
import { registerQueueGauges } from '../queue/front-metrics.js';
import { registerRpcRoute } from './routes/rpc.js';
import type { ChainStore } from '../rollup/store.js';
import { registerServiceRoutes } from './routes/service.js';
import { ServiceError } from '../errors/service-error.js';

export interface AppDeps {
  /** Defaults to a fresh EngineRegistry; the app closes it when it closes. */
  registry?: EngineRegistryLike;
  /** The chain of the rollup co-processor mode (src/rollup/), when the service has a data directory; the app closes it when it closes. */
  chain?: ChainApi & { close(): Promise<void>; readonly store?: ChainStore };
  /** The safe block the Engine API's forkchoice last named (POST /rpc's `safe` tag; else the finalized block). */
  safe?: () => bigint | undefined;
  /** The distributed mode's queue (`serve --nats`): /v1/execute queues batches for workers; the app closes it when it closes. */
  queue?: BatchQueue;
  /** Runs first when the app closes (the Engine API stops taking requests before the chain closes). */
  beforeClose?: () => Promise<void>;
}

/**
 * The HTTP service, ready for `inject` or `listen`; it does not listen by itself.
 * Missing config fields take their defaults. Guards, in the order a request meets
 * them: the bearer token (auth.ts), event-loop and memory pressure (pressure.ts), the
 * bodies held at once, the batch limits, then a slot and a deadline (admission.ts,
 * execution.ts).
 */
export function buildApp(config: Partial<ServerConfig> = {}, deps: AppDeps = {}): FastifyInstance {
  const cfg: ServerConfig = { ...DEFAULT_CONFIG, ...config };
  const registry = deps.registry ?? new EngineRegistry();
  const admission = new Admission({
    maxConcurrentBatches: cfg.maxConcurrentBatches,
    maxQueuedBatches: cfg.maxQueuedBatches ?? 2 * cfg.maxConcurrentBatches,
    maxQueuedGas: cfg.maxQueuedGas,
    maxPendingBytes: cfg.maxPendingBytes ?? 2 * cfg.bodyLimit,
  });
  const metrics = new ServiceMetrics(() => registry.compilerReport(0), admission, registry.gpuRoute?.bind(registry));
  const front = deps.queue ? new QueueFront(deps.queue, cfg.maxBatchMs) : undefined;
  if (deps.queue) registerQueueGauges(metrics.registry, deps.queue);
  const token = cfg.authTokenFile !== undefined ? readTokenFile(cfg.authTokenFile, '--auth-token-file') : undefined;

  const app = Fastify({
    logger: { level: cfg.logLevel },
    bodyLimit: cfg.bodyLimit,
    requestIdHeader: false,
    genReqId: requestId,
    // Errors fastify raises before routing (a malformed URL) get coded bodies too.
    frameworkErrors: (error, request, reply) => {
      sendError(reply, classifyError(error, request, cfg) ?? new ServiceError('INVALID_REQUEST', [error.message]));
    },
    // And those Node's HTTP parser refuses before routing.
    clientErrorHandler,
  });

  decorateRequestState(app);
  registerRequestIdEcho(app);
  registerBodyParsers(app);
  registerErrorHandling(app, cfg);
  registerAuth(app, token);
  registerPressure(app, cfg, admission);
  // Responses are sent as ready strings or buffers; anything else is plain JSON, never
  // filtered through the documented response schemas.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime);
  });
  app.addHook('onClose', async () => {
    await deps.beforeClose?.();
    // The chain first: a block in flight still needs the engines.
    await deps.chain?.close();
    await deps.queue?.close();
    await registry.close();
  });

  app.register(async (scope) => {
    await registerDocs(scope);
    registerExecuteRoute(scope, { registry, metrics, limits: cfg, admission, front });
    registerQueueRoutes(scope, front);
    registerServiceRoutes(scope, registry, metrics);
    registerChainRoutes(scope, { chain: deps.chain, metrics, limits: cfg });
    const store = deps.chain?.store;
    registerRpcRoute(scope, { chain: store ? { store } : undefined, safe: deps.safe });
  });
  return app;
}
