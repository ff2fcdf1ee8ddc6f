import Fastify, { type FastifyInstance } from 'fastify';
import { handleText, type MethodTable } from '../rpc/dispatch.js';
import { checkAuthorization } from './jwt.js';

/**
 * The Engine API's own HTTP server (default port 8551): JSON-RPC 2.0 at `/` (any path),
 * each request authenticated by its JWT before its body is read. A request without a
 * valid token answers HTTP 401 with a JSON-RPC error body and nothing is run.
 */
export interface EngineServerOptions {
  secret: Uint8Array;
  methods: MethodTable;
  logLevel?: string;
  bodyLimit?: number;
}

export function buildEngineApp(opts: EngineServerOptions): FastifyInstance {
  const app = Fastify({ logger: { level: opts.logLevel ?? 'info' }, bodyLimit: opts.bodyLimit ?? 256 * 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.addHook('onRequest', async (request, reply) => {
    const refused = await checkAuthorization(request.headers.authorization, opts.secret);
    if (refused === undefined) return;
    request.log.warn({ reason: refused }, 'Engine API request refused');
    await reply.code(401).type('application/json').send(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: `unauthorized: ${refused}` } }));
  });
  const answer = async (body: unknown) => handleText(opts.methods, String(body ?? ''), {
    onInternal: (e, m) => app.log.error({ err: e, method: m }, 'Engine API method failed'),
  });
  app.post('/*', async (request, reply) => {
    const a = await answer(request.body);
    if (a === undefined) return reply.code(204).send();
    return reply.type('application/json').send(JSON.stringify(a));
  });
  return app;
}
