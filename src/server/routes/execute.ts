import type { FastifyInstance, FastifyReply } from 'fastify';
import { since } from '../../engine/engine.js';
import { ServiceError } from '../../errors/service-error.js';
import type { WireBatch } from '../../model/shapes.js';
import { MSGPACK_TYPE } from '../../wire/msgpack.js';
import { parseBatch } from '../../wire/parse.js';
import { validateBatch } from '../../wire/validate.js';
import type { Admission } from '../admission.js';
import { REQUEST_TYPES } from '../content.js';
import { CODES, errorResponses, ref } from '../docs.js';
import { CHAIN_ONLY_CODES } from './chain.js';
import { describeRun, QUEUE_ONLY_CODES } from './queue.js';
import type { QueueFront } from '../../queue/front.js';
import type { EngineRegistryLike } from '../engines.js';
import { runBatch, type RunLimits } from '../execution.js';
import { checkBatchGas, checkTxCount, type BatchLimits } from '../limits.js';
import type { ServiceMetrics } from '../metrics.js';
import { JSON_TYPE, negotiateResponse } from '../negotiate.js';
import { encodeResult } from '../respond.js';

export interface ExecuteDeps {
  registry: EngineRegistryLike;
  metrics: ServiceMetrics;
  limits: BatchLimits & RunLimits & { bodyLimit: number };
  admission: Admission;
  /** `serve --nats`: batches go through the queue to workers instead of the engines here. */
  front?: QueueFront;
}

/** Fires when the client closes the connection before its answer is out: its batch is abandoned, queued or running. */
function clientGone(reply: FastifyReply): AbortSignal {
  const ctrl = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) ctrl.abort(new ServiceError('INVALID_REQUEST', ['the client closed the connection']));
  });
  return ctrl.signal;
}

/**
 * The route's schema is attached for the OpenAPI document; validation itself is the
 * shared validateBatch (as the CLI uses), which throws registered codes rather than
 * ajv's generic messages.
 */
function batchValidator(data: unknown): { value: unknown } | { error: Error } {
  try {
    validateBatch(data);
    return { value: data };
  } catch (e) {
    return { error: e as Error };
  }
}

const DESCRIPTION = `Executes the batch's transactions in order on its pre-state, in a block made from its env.
Invalid transactions are listed in \`rejected\` and change no state; the request still succeeds.
\`options.engine\` picks the engine (see GET /v1/engines; default \`auto\`).
A batch waits for an execution slot and runs under a deadline; past either bound the answer is 503 with Retry-After
(\`OVERLOADED\`, \`EXECUTION_TIMEOUT\`), and nothing was applied.
In the distributed mode (\`serve --nats\`) the batch is queued for a worker under its hash (the \`x-evmgpu-batch-hash\` header of the answer):
a batch already run is answered from its stored result (\`x-evmgpu-replayed: true\`), a full queue answers \`OVERLOADED\`,
and a batch without a result within \`--max-batch-ms\` answers \`BATCH_PENDING\`; its result will be at GET /v1/results/{batchHash}.`;

export function registerExecuteRoute(app: FastifyInstance, { registry, metrics, limits, admission, front }: ExecuteDeps): void {
  app.post(
    '/v1/execute',
    {
      schema: {
        tags: ['execute'],
        summary: 'Execute a batch of transactions',
        description: DESCRIPTION,
        consumes: [...REQUEST_TYPES],
        body: ref.batch,
        response: {
          200: {
            description: 'The batch result: receipts, rejections, state diff and roots',
            content: { [JSON_TYPE]: { schema: ref.batchResult }, [MSGPACK_TYPE]: { schema: ref.batchResult } },
          },
          // Every registered failure can come from this route, but a missing route and the chain's.
          ...errorResponses(CODES.filter((c) => c !== 'NOT_FOUND' && !CHAIN_ONLY_CODES.includes(c) && !QUEUE_ONLY_CODES.includes(c))),
        },
      },
      validatorCompiler: () => batchValidator,
      // Before the body is read: a client that cannot take the answer should not upload 200 MiB first.
      onRequest: async (request) => {
        const format = negotiateResponse(request.headers.accept);
        if (!format) throw new ServiceError('NOT_ACCEPTABLE', [request.headers.accept ?? '']);
        request.responseFormat = format;
        // Every slot taken and the line full: refused before the body costs anything.
        admission.refuseUnseen();
        // The body's bytes count against the bodies held at once from before it is read (a body of unknown length counts as the largest allowed).
        const length = Number(request.headers['content-length']);
        request.releaseHeld = admission.holdBody(Number.isSafeInteger(length) && length >= 0 ? Math.min(length, limits.bodyLimit) : limits.bodyLimit);
      },
      // Counting needs no validation, and refusing an oversized batch early saves validating it.
      preValidation: async (request) => {
        checkTxCount(request.body, limits);
        request.validationStartedAt = performance.now();
      },
      preHandler: async (request) => {
        request.phaseMs.validate = since(request.validationStartedAt);
      },
    },
    async (request, reply) => {
      const wire = request.body as WireBatch;
      const gas = checkBatchGas(wire, limits);
      const engine = registry.get(wire.options?.engine);
      let executed;
      if (front) {
        const run = await front.run(wire, clientGone(reply));
        describeRun(reply, run);
        executed = run.result;
        request.phaseMs.queue = run.queueMs;
      } else {
        const t0 = performance.now();
        const batch = parseBatch(wire, registry.codes);
        request.phaseMs.parse = since(t0);
        const ran = await runBatch(admission, limits, engine, batch, gas, clientGone(reply));
        executed = ran.result;
        request.phaseMs.queue = ran.queueMs;
      }
      const result = { ...executed, stats: { ...executed.stats, timingsMs: { ...request.phaseMs, ...executed.stats.timingsMs } } };
      const t1 = performance.now();
      const { type, body } = encodeResult(result, request.responseFormat);
      metrics.observeBatch(result, { ...result.stats.timingsMs, encode: since(t1) });
      return reply.type(type).send(body);
    },
  );
}
