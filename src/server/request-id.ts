import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

export const REQUEST_ID_HEADER = 'x-request-id';

// A caller's id is reused only when it is short printable ASCII, so logs and the echoed header stay clean.
const ACCEPTABLE_ID = /^[\x21-\x7e]{1,128}$/;

/** The caller's x-request-id when usable, else a fresh UUID: ties a caller's logs to ours. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && ACCEPTABLE_ID.test(given) ? given : randomUUID();
}

/** Echoes the id on every response, errors and 404s included. */
export function registerRequestIdEcho(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}
