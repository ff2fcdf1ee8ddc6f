import type { FastifyInstance } from 'fastify';
import { handleText, type MethodTable } from '../../rpc/dispatch.js';
import { ethMethods, type EthOptions } from '../../rpc/eth.js';
import { JSON_TYPE } from '../negotiate.js';

/**
 * POST /rpc: the Ethereum JSON-RPC reads over the chain (src/rpc/eth.ts), JSON-RPC 2.0
 * with batches. The body is parsed here, not by the service's JSON parser, so that a
 * malformed body is answered as JSON-RPC wants (-32700, HTTP 200) rather than with the
 * service's coded 400. Without a chain every method answers -32000.
 */
export const RPC_PATH = '/rpc';
/** Most requests in one batch. */
export const RPC_MAX_BATCH = 1000;

const REQUEST = {
  type: 'object',
  required: ['jsonrpc', 'method'],
  properties: {
    jsonrpc: { const: '2.0' },
    id: { type: ['string', 'number', 'null'] },
    method: { type: 'string', examples: ['eth_blockNumber'] },
    params: { type: 'array' },
  },
};
const RESPONSE = {
  type: 'object',
  properties: {
    jsonrpc: { const: '2.0' },
    id: { type: ['string', 'number', 'null'] },
    result: {},
    error: { type: 'object', properties: { code: { type: 'integer' }, message: { type: 'string' }, data: {} } },
  },
};
const DESCRIPTION = `JSON-RPC 2.0, one request or a batch (an array of at most ${RPC_MAX_BATCH}). Methods: eth_chainId, eth_blockNumber, eth_getBlockByNumber, eth_getBlockByHash, eth_getTransactionByHash, eth_getTransactionReceipt, eth_getBalance, eth_getTransactionCount, eth_getCode, eth_getStorageAt, eth_getProof (EIP-1186), eth_call, eth_estimateGas, eth_syncing, net_version, web3_clientVersion. Block parameters: latest, pending (the head), safe, finalized, earliest, a number, a hash (EIP-1898). Errors: -32700 parse, -32600 invalid request, -32601 method not found, -32602 invalid params, -32603 internal, -32000 unknown block or no chain, 3 execution reverted (data: the revert data). Answers are HTTP 200, also for errors; a body of notifications only answers 204.`;

export function registerRpcRoute(app: FastifyInstance, opts: EthOptions): void {
  const table: MethodTable = ethMethods(opts);
  app.register(async (scope) => {
    scope.removeContentTypeParser(JSON_TYPE);
    scope.addContentTypeParser(JSON_TYPE, { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.post(RPC_PATH, {
      schema: {
        tags: ['rpc'], summary: 'Ethereum JSON-RPC reads over the chain', description: DESCRIPTION, consumes: [JSON_TYPE],
        body: { oneOf: [REQUEST, { type: 'array', items: REQUEST }] },
        response: { 200: { description: 'The answer, or the answers of a batch', content: { [JSON_TYPE]: { schema: { oneOf: [RESPONSE, { type: 'array', items: RESPONSE }] } } } }, 204: { description: 'Notifications only: no answer', type: 'null' } },
      },
      validatorCompiler: () => (value: unknown) => ({ value }),
    }, async (request, reply) => {
      const answer = await handleText(table, String(request.body ?? ''), {
        maxBatch: RPC_MAX_BATCH,
        onInternal: (e, m) => request.log.error({ err: e, method: m }, 'JSON-RPC method failed'),
      });
      if (answer === undefined) return reply.code(204).send();
      return reply.type(`${JSON_TYPE}; charset=utf-8`).send(JSON.stringify(answer));
    });
  });
}
