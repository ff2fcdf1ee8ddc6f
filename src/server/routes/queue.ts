import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServiceErrorCode } from '../../errors/registry.js';
import { ServiceError } from '../../errors/service-error.js';
import { isBatchHash } from '../../queue/batch-key.js';
import { announcedWorkers } from '../../queue/front-metrics.js';
import type { QueueFront, RemoteRun } from '../../queue/front.js';
import { MSGPACK_TYPE } from '../../wire/msgpack.js';
import { errorResponses, ref } from '../docs.js';
import { JSON_TYPE, negotiateResponse } from '../negotiate.js';
import { encodeResult } from '../respond.js';

/** The codes only the distributed mode's own routes produce. */
export const QUEUE_ONLY_CODES: readonly ServiceErrorCode[] = ['RESULTS_NOT_ENABLED', 'RESULT_NOT_FOUND'];
/** The codes /v1/execute produces only in the distributed mode. */
export const QUEUE_EXECUTE_CODES: readonly ServiceErrorCode[] = ['QUEUE_UNAVAILABLE', 'BATCH_PENDING', 'BATCH_FAILED'];

export const BATCH_HASH_HEADER = 'x-evmgpu-batch-hash';
export const WORKER_HEADER = 'x-evmgpu-worker';
/** The batch's execution time on that worker, in milliseconds: the rest of the request's time is the queue's. */
export const WORKER_MS_HEADER = 'x-evmgpu-worker-ms';

/** Headers naming where a queued batch's result came from. */
export function describeRun(reply: FastifyReply, run: RemoteRun): void {
  reply.header(BATCH_HASH_HEADER, run.hash).header(WORKER_HEADER, run.worker).header(WORKER_MS_HEADER, run.workerMs.toFixed(1));
  if (run.replayed) reply.header('x-evmgpu-replayed', 'true');
}

/**
 * The distributed mode's reads (`serve --nats`): a batch's stored result by its hash
 * (the `x-evmgpu-batch-hash` header of /v1/execute's answer, or BATCH_PENDING's
 * message), and the workers that announced themselves. Without a queue both answer
 * RESULTS_NOT_ENABLED (404).
 */
export function registerQueueRoutes(app: FastifyInstance, front: QueueFront | undefined): void {
  const need = (): QueueFront => {
    if (!front) throw new ServiceError('RESULTS_NOT_ENABLED');
    return front;
  };
  app.get(
    '/v1/results/:batchHash',
    {
      schema: {
        tags: ['execute'],
        summary: 'The stored result of a queued batch',
        description: 'The result a worker stored for the batch (the distributed mode keeps each for `--result-ttl` seconds), in the format `Accept` asks for; a batch that ended in an error answers that error.',
        params: { type: 'object', properties: { batchHash: { type: 'string', description: 'the batch hash: 0x and 64 hex digits (x-evmgpu-batch-hash)' } } },
        response: {
          200: { description: 'The batch result', content: { [JSON_TYPE]: { schema: ref.batchResult }, [MSGPACK_TYPE]: { schema: ref.batchResult } } },
          ...errorResponses(['NOT_ACCEPTABLE', 'INVALID_HEX', ...QUEUE_ONLY_CODES, ...QUEUE_EXECUTE_CODES, 'EXECUTION_TIMEOUT', 'INTERNAL']),
        },
      },
    },
    async (request, reply) => {
      const format = negotiateResponse(request.headers.accept);
      if (!format) throw new ServiceError('NOT_ACCEPTABLE', [request.headers.accept ?? '']);
      const q = need();
      const hash = (request.params as { batchHash: string }).batchHash.toLowerCase();
      if (!isBatchHash(hash)) throw new ServiceError('INVALID_HEX', ['/batchHash must be 0x and 64 hex digits']);
      const run = await q.stored(hash);
      describeRun(reply, run);
      const { type, body } = encodeResult(run.result, format);
      return reply.type(type).send(body);
    },
  );
  app.get(
    '/v1/workers',
    {
      schema: {
        tags: ['service'],
        summary: 'Workers taking batches from the queue',
        description: 'Each live worker as it last announced itself (every 10 s; an entry expires 30 s after the last): its adapter once a GPU device is open, engines, batches run, and whether it is running one now.',
        response: { 200: { type: 'object', properties: { workers: { type: 'array', items: { type: 'object', additionalProperties: true } } } }, ...errorResponses(['RESULTS_NOT_ENABLED', 'INTERNAL']) },
      },
    },
    async () => ({ workers: await announcedWorkers(need().queue) }),
  );
}
