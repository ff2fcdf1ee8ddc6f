import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { ServiceErrors, TxRejections, type ServiceErrorCode } from '../errors/registry.js';
import { BatchResultSchema, BatchSchema, ErrorBodySchema } from '../wire/schemas.js';
import { VERSION } from './version.js';

/**
 * The OpenAPI document (GET /docs/json, browsable at /docs) is generated from the
 * routes' TypeBox schemas and the error registry, so it cannot drift from either.
 */
export const DOCS_PREFIX = '/docs';

/** JSON Schema references to the shared schemas, registered by $id. */
const refTo = (schema: object) => ({ $ref: `${(schema as { $id: string }).$id}#` });
export const ref = { batch: refTo(BatchSchema), batchResult: refTo(BatchResultSchema), error: refTo(ErrorBodySchema) } as const;

export const CODES = Object.keys(ServiceErrors) as ServiceErrorCode[];

/**
 * Response entries for error statuses, each naming the codes it can carry. Only codes
 * in `codes` are listed, so a route documents the failures it can actually produce.
 */
export function errorResponses(codes: readonly ServiceErrorCode[]): Record<number, unknown> {
  const out: Record<number, unknown> = {};
  for (const status of [...new Set(codes.map((c) => ServiceErrors[c].status))].sort((a, b) => a - b)) {
    const here = codes.filter((c) => ServiceErrors[c].status === status);
    out[status] = {
      description: `Error; \`error.code\` is one of: ${here.join(', ')}`,
      content: { 'application/json': { schema: ref.error } },
    };
  }
  return out;
}

function codeTable(): string {
  const rows = CODES.map((c) => `| \`${c}\` | ${ServiceErrors[c].status} | ${ServiceErrors[c].message.replace(/%s/g, '…')} |`);
  const rejections = Object.entries(TxRejections).map(([c, m]) => `| \`${c}\` | ${m} |`);
  return [
    '## Error codes',
    'Every error body is `{"error": {"code", "message", "details"?}}`; `code` is one of:',
    '',
    '| code | status | message |',
    '| --- | --- | --- |',
    ...rows,
    '',
    '## Rejection codes',
    'An invalid transaction does not fail the request: it is listed in `rejected[]` with one of these codes and changes no state.',
    '',
    '| code | meaning |',
    '| --- | --- |',
    ...rejections,
  ].join('\n');
}

const DESCRIPTION = `Executes batches of Ethereum transactions and returns receipts, logs, the state diff and the roots, exactly as sequential execution would.

Requests are JSON (\`application/json\`) or msgpack (\`application/vnd.msgpack\`, also \`application/msgpack\` and \`application/x-msgpack\`), picked by \`Content-Type\`; the response format is picked by \`Accept\` (JSON by default). msgpack carries the same shape with binary bytes and integer quantities (quantities above 2^64-1 as big-endian binary). Errors are always JSON.

${codeTable()}`;

export async function registerDocs(app: FastifyInstance): Promise<void> {
  for (const s of [BatchSchema, BatchResultSchema, ErrorBodySchema]) app.addSchema(s);
  await app.register(swagger, {
    openapi: {
      // 3.1 because the schemas are JSON Schema 2020-12 style (null in unions, patternProperties).
      openapi: '3.1.0',
      info: { title: 'evmgpu', version: VERSION, description: DESCRIPTION },
      tags: [
        { name: 'execute', description: 'Batch execution' },
        { name: 'service', description: 'Health, engines, metrics' },
        { name: 'chain', description: 'Rollup co-processor mode: a persistent chain, blocks applied exactly once, rollback (needs --data-dir)' },
        { name: 'rpc', description: 'Ethereum JSON-RPC 2.0 reads over the chain (needs --data-dir)' },
      ],
      components: {
        schemas: {
          ErrorCode: {
            description: 'Codes of the error registry (error.code), each with its HTTP status',
            oneOf: CODES.map((c) => ({ type: 'string' as const, enum: [c], description: `HTTP ${ServiceErrors[c].status}: ${ServiceErrors[c].message}` })),
          },
          RejectionCode: {
            description: 'Codes of rejected[].code',
            oneOf: Object.entries(TxRejections).map(([c, m]) => ({ type: 'string' as const, enum: [c], description: m })),
          },
        },
      },
    },
    // Shared schemas keep their $id as their component name instead of def-N.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
}
