import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { since } from '../../engine/engine.js';
import type { ServiceErrorCode } from '../../errors/registry.js';
import { ServiceError } from '../../errors/service-error.js';
import type { Chain } from '../../rollup/chain.js';
import {
  ChainAccountSchema, ChainBlockResultSchema, ChainBlockSchema, ChainHeadSchema, ChainInitSchema, ChainNumberSchema,
  formatAccountView, formatChainBlock, formatChainHead, parseBlockNumber, parseChainBlock, parseChainInit,
  validateChainBlock, validateChainInit, validateChainNumber, type StoredBlock,
} from '../../wire/chain.js';
import { jsonCodec, msgpackCodec, type Codec } from '../../wire/format.js';
import { MSGPACK_TYPE, encodeMsgpack } from '../../wire/msgpack.js';
import { hexToQuantity, normalizeAddress } from '../../primitives/hex.js';
import { REQUEST_TYPES } from '../content.js';
import { errorResponses } from '../docs.js';
import { checkBatchGas, checkTxCount, type BatchLimits } from '../limits.js';
import type { ServiceMetrics } from '../metrics.js';
import { JSON_TYPE, negotiateResponse, type ResponseFormat } from '../negotiate.js';

/**
 * The chain routes (rollup co-processor mode; src/rollup/): JSON or msgpack both ways,
 * like /v1/execute. The writes (init, blocks, rollback, finalize) and the reads are
 * registered by two functions, so that a scope with its own hooks (authentication) can
 * take the writes; each write route also carries `config.chainWrite: true`. Without a
 * chain (no data directory) every route answers CHAIN_NOT_ENABLED (404).
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route changes the chain: hooks that guard writes (authentication) find it by this. */
    chainWrite?: boolean;
  }
}

export type ChainApi = Pick<Chain, 'head' | 'init' | 'apply' | 'block' | 'account' | 'rollback' | 'finalize'>;

export interface ChainDeps {
  chain?: ChainApi;
  metrics: ServiceMetrics;
  limits: BatchLimits;
}

/** The codes only the chain routes produce: /v1/execute's documentation leaves them out. */
export const CHAIN_ONLY_CODES: readonly ServiceErrorCode[] = [
  'STATE_SOURCE_UNSUPPORTED', 'CHAIN_NOT_ENABLED', 'CHAIN_NOT_INITIALISED', 'CHAIN_ALREADY_INITIALISED', 'BLOCK_OUT_OF_ORDER', 'BLOCK_CONFLICT',
  'PARENT_HASH_MISMATCH', 'TIMESTAMP_DECREASES', 'BLOCK_NUMBER_MISMATCH', 'CHAIN_ID_MISMATCH', 'BLOCK_NOT_FOUND', 'STATE_NOT_AVAILABLE',
  'ROLLBACK_BELOW_FINALIZED', 'ROLLBACK_BEYOND_WINDOW', 'STORE_FULL',
];

export const REPLAYED_HEADER = 'x-evmgpu-replayed';

const BODY_ERRORS: ServiceErrorCode[] = ['UNSUPPORTED_MEDIA_TYPE', 'NOT_ACCEPTABLE', 'BODY_TOO_LARGE', 'INVALID_JSON', 'INVALID_MSGPACK', 'EMPTY_BODY', 'MISSING_FIELD', 'UNKNOWN_FIELD', 'INVALID_TYPE', 'INVALID_HEX', 'VALUE_OUT_OF_RANGE', 'INVALID_REQUEST'];
const ALWAYS: ServiceErrorCode[] = ['CHAIN_NOT_ENABLED', 'INTERNAL'];

type Schema = object;
const idOf = (schema: Schema): string => (schema as { $id: string }).$id;
const ref = (schema: Schema) => ({ $ref: `${idOf(schema)}#` });
const answer = (description: string, schema: Schema) => ({
  description,
  content: { [JSON_TYPE]: { schema: ref(schema) }, [MSGPACK_TYPE]: { schema: ref(schema) } },
});

/** Validation is the shared coded validator; the schema is attached for the OpenAPI document. */
function validating(check: (body: unknown) => void) {
  return () => (data: unknown) => {
    try {
      check(data);
      return { value: data };
    } catch (e) {
      return { error: e as Error };
    }
  };
}

async function negotiate(request: FastifyRequest): Promise<void> {
  const format = negotiateResponse(request.headers.accept);
  if (!format) throw new ServiceError('NOT_ACCEPTABLE', [request.headers.accept ?? '']);
  request.responseFormat = format;
}

function codecOf(format: ResponseFormat): Codec<never, never> {
  return (format === 'msgpack' ? msgpackCodec : jsonCodec) as Codec<never, never>;
}

/** An answer already formatted with codecOf(format), encoded. */
function encodeAnswer(reply: FastifyReply, format: ResponseFormat, body: unknown): FastifyReply {
  if (format === 'msgpack') return reply.type(MSGPACK_TYPE).send(encodeMsgpack(body));
  return sendJson(reply, JSON.stringify(body));
}

function sendJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.type(`${JSON_TYPE}; charset=utf-8`).send(json);
}

/**
 * A block's JSON answer in two parts: all but its stats, written while the block commits
 * (a 1,000-transaction answer took about 30 ms to stringify), and the stats, whose chain
 * timings are known once it is durable, appended then as the last field.
 */
function blockJson(body: { stats: unknown }): (stats: unknown) => string {
  const { stats: _, ...rest } = body;
  const head = JSON.stringify(rest);
  return (stats) => `${head.slice(0, -1)},"stats":${JSON.stringify(stats)}}`;
}

function send(reply: FastifyReply, format: ResponseFormat, make: (c: Codec<never, never>) => unknown): FastifyReply {
  return encodeAnswer(reply, format, make(codecOf(format)));
}

function required(deps: ChainDeps): ChainApi {
  if (!deps.chain) throw new ServiceError('CHAIN_NOT_ENABLED');
  return deps.chain;
}

function schemas(app: FastifyInstance): void {
  for (const s of [ChainInitSchema, ChainBlockSchema, ChainNumberSchema, ChainHeadSchema, ChainBlockResultSchema, ChainAccountSchema]) {
    if (!app.getSchema(idOf(s))) app.addSchema(s);
  }
}

const write = (summary: string, description: string, body: Schema, codes: ServiceErrorCode[], ok: ReturnType<typeof answer>) => ({
  config: { chainWrite: true },
  schema: { tags: ['chain'], summary, description, consumes: [...REQUEST_TYPES], body: ref(body), response: { 200: ok, ...errorResponses([...BODY_ERRORS, ...ALWAYS, ...codes]) } },
  onRequest: negotiate,
});

export function registerChainWriteRoutes(app: FastifyInstance, deps: ChainDeps): void {
  schemas(app);
  const head = answer('The head: its number, hash and state root, and the finalized block', ChainHeadSchema);

  app.post('/v1/chain/init', {
    ...write('Initialise the chain with its genesis', 'An empty store becomes block `env.number`, whose state is `alloc` and whose state root is its root. The same genesis again answers 200 with the same head; a different one CHAIN_ALREADY_INITIALISED.', ChainInitSchema, ['UNKNOWN_FORK', 'MISSING_ENV_FIELD', 'CHAIN_ALREADY_INITIALISED', 'STORE_FULL'], head),
    validatorCompiler: validating(validateChainInit),
  }, async (request, reply) => {
    const { head: h } = await required(deps).init(parseChainInit(request.body as never));
    return send(reply, request.responseFormat, (c) => formatChainHead(h, c));
  });

  app.post('/v1/chain/blocks', {
    ...write(
      'Apply the next block',
      '`number` must be the head + 1 (BLOCK_OUT_OF_ORDER names the head); `parentHash`, when given, the head\'s hash; the timestamp must not decrease. The block runs on the chosen engine against the stored state and is applied in one durable transaction before the answer is sent. Re-posting the block at an applied number with the same content answers the stored result, not run again, with `x-evmgpu-replayed: true`; other content there is BLOCK_CONFLICT until a rollback.',
      ChainBlockSchema,
      ['CHAIN_NOT_INITIALISED', 'BLOCK_OUT_OF_ORDER', 'BLOCK_CONFLICT', 'PARENT_HASH_MISMATCH', 'TIMESTAMP_DECREASES', 'BLOCK_NUMBER_MISMATCH', 'CHAIN_ID_MISMATCH', 'MISSING_ENV_FIELD', 'CONFLICTING_FEE_FIELDS', 'TOO_MANY_TXS', 'BATCH_GAS_TOO_HIGH', 'UNKNOWN_ENGINE', 'ENGINE_UNAVAILABLE', 'STATE_SOURCE_UNSUPPORTED', 'STORE_FULL'],
      answer('The block as applied: the /v1/execute result with number, hash, parentHash, stateRoot, transactionsRoot and receiptsRoot', ChainBlockResultSchema),
    ),
    validatorCompiler: validating(validateChainBlock),
    preValidation: async (request) => {
      checkTxCount(request.body, deps.limits);
      request.validationStartedAt = performance.now();
    },
    preHandler: async (request) => {
      request.phaseMs.validate = since(request.validationStartedAt);
    },
  }, async (request, reply) => {
    const chain = required(deps);
    const wire = request.body as Parameters<typeof parseChainBlock>[0];
    checkBatchGas(wire as never, deps.limits);
    const t = performance.now();
    const block = parseChainBlock(wire);
    request.phaseMs.parse = since(t);
    const codec = codecOf(request.responseFormat);
    // The answer is formatted while the block's transaction commits, and sent once it is durable.
    const prepare = (record: StoredBlock) => {
      const stats = { ...record.result.stats, timingsMs: { ...request.phaseMs, ...record.result.stats.timingsMs } };
      const shown = { ...record, result: { ...record.result, stats } };
      const body = formatChainBlock(shown, codec);
      return { shown, body, json: request.responseFormat === 'json' ? blockJson(body) : undefined };
    };
    let prepared: ReturnType<typeof prepare> | undefined;
    const { record, replayed } = await chain.apply(block, { whileCommitting: (r) => (prepared = prepare(r)) });
    if (replayed) {
      reply.header(REPLAYED_HEADER, 'true');
      return encodeAnswer(reply, request.responseFormat, formatChainBlock(record, codec));
    }
    const answer = prepared ?? prepare(record);
    deps.metrics.observeBatch(answer.shown.result, answer.shown.result.stats.timingsMs);
    return answer.json ? sendJson(reply, answer.json(answer.body.stats)) : encodeAnswer(reply, request.responseFormat, answer.body);
  });

  app.post('/v1/chain/rollback', {
    ...write('Roll back to a block', 'The head becomes block `number`; later blocks are forgotten. Below the finalized block: ROLLBACK_BELOW_FINALIZED; past the rollback window: ROLLBACK_BEYOND_WINDOW.', ChainNumberSchema, ['CHAIN_NOT_INITIALISED', 'BLOCK_NOT_FOUND', 'ROLLBACK_BELOW_FINALIZED', 'ROLLBACK_BEYOND_WINDOW', 'STORE_FULL'], head),
    validatorCompiler: validating(validateChainNumber),
  }, async (request, reply) => {
    const h = await required(deps).rollback(hexToQuantity((request.body as { number: string }).number));
    return send(reply, request.responseFormat, (c) => formatChainHead(h, c));
  });

  app.post('/v1/chain/finalize', {
    ...write('Finalize a block', 'Idempotent. No rollback below the finalized block; its reverse diffs and older ones are pruned.', ChainNumberSchema, ['CHAIN_NOT_INITIALISED', 'BLOCK_NOT_FOUND', 'STORE_FULL'], head),
    validatorCompiler: validating(validateChainNumber),
  }, async (request, reply) => {
    const h = await required(deps).finalize(hexToQuantity((request.body as { number: string }).number));
    return send(reply, request.responseFormat, (c) => formatChainHead(h, c));
  });
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const SLOT = /^0x[0-9a-fA-F]{1,64}$/;

export function registerChainReadRoutes(app: FastifyInstance, deps: ChainDeps): void {
  schemas(app);
  const read = (summary: string, codes: ServiceErrorCode[], ok: ReturnType<typeof answer>, extra: object = {}) => ({
    schema: { tags: ['chain'], summary, response: { 200: ok, ...errorResponses(['NOT_ACCEPTABLE', ...ALWAYS, 'CHAIN_NOT_INITIALISED', ...codes]) }, ...extra },
    onRequest: negotiate,
  });
  const number = { type: 'string', description: 'a block number: 0x-hex or decimal' };

  app.get('/v1/chain/head', read('The head', [], answer('The head', ChainHeadSchema)), async (request, reply) => {
    const h = required(deps).head();
    return send(reply, request.responseFormat, (c) => formatChainHead(h, c));
  });

  app.get('/v1/chain/blocks/:number', read('A block as applied', ['INVALID_HEX', 'VALUE_OUT_OF_RANGE', 'BLOCK_NOT_FOUND'], answer('The stored result of the block', ChainBlockResultSchema), { params: { type: 'object', properties: { number } } }), async (request, reply) => {
    const chain = required(deps);
    const b = chain.block(parseBlockNumber((request.params as { number: string }).number, '/number'));
    return send(reply, request.responseFormat, (c) => formatChainBlock(b, c));
  });

  app.get('/v1/chain/accounts/:address', read(
    'An account at the head, or at a block within the rollback window',
    ['INVALID_HEX', 'VALUE_OUT_OF_RANGE', 'BLOCK_NOT_FOUND', 'STATE_NOT_AVAILABLE'],
    answer('balance, nonce, codeHash, code, and the slots asked for', ChainAccountSchema),
    {
      params: { type: 'object', properties: { address: { type: 'string', description: '20-byte address, 0x-hex' } } },
      querystring: { type: 'object', properties: { storage: { type: 'string', description: 'slots to read, comma-separated 0x-hex' }, block: number } },
    },
  ), async (request, reply) => {
    const chain = required(deps);
    const { address } = request.params as { address: string };
    const query = request.query as { storage?: string; block?: string };
    if (!ADDRESS.test(address)) throw new ServiceError('INVALID_HEX', [`/address: '${address}' is not a 20-byte 0x-hex address`], [{ path: '/address', message: 'a 20-byte address' }]);
    const slots = (query.storage ?? '').split(',').filter((s) => s !== '').map((s) => {
      if (!SLOT.test(s)) throw new ServiceError('INVALID_HEX', [`storage: '${s}' is not a 0x-hex slot of at most 256 bits`], [{ path: '/storage', message: 'comma-separated 0x-hex slots' }]);
      return hexToQuantity(s);
    });
    const at = query.block === undefined ? undefined : parseBlockNumber(query.block, '/block');
    const view = chain.account(normalizeAddress(address), slots, at);
    return send(reply, request.responseFormat, (c) => formatAccountView(view, c));
  });
}

export function registerChainRoutes(app: FastifyInstance, deps: ChainDeps): void {
  registerChainReadRoutes(app, deps);
  registerChainWriteRoutes(app, deps);
}
