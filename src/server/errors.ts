import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError } from '../errors/service-error.js';

/**
 * Every failure leaves the service as a coded body `{error: {code, message, details?}}`
 * with the status of its code in the error registry. Fastify's own request errors
 * (body limit, media type, ...) are translated to the matching code; anything not
 * recognised is a bug, reported as INTERNAL and logged with its stack.
 */
export interface ErrorContext {
  bodyLimit: number;
}

const header = (request: FastifyRequest, name: string): string => {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(', ') : v ?? '';
};

/** The registered error for a known failure, or undefined for an unexpected one. */
export function classifyError(err: unknown, request: FastifyRequest, ctx: ErrorContext): ServiceError | undefined {
  if (err instanceof ServiceError) return err;
  const e = err as Partial<FastifyError>;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ServiceError('BODY_TOO_LARGE', [ctx.bodyLimit]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ServiceError('UNSUPPORTED_MEDIA_TYPE', [header(request, 'content-type') || '(none)']);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ServiceError('EMPTY_BODY');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ServiceError('INVALID_JSON', [e.message ?? '']);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_VALIDATION':
      return new ServiceError('INVALID_REQUEST', [e.message ?? '']);
  }
  switch (e.statusCode) {
    case 404:
      return new ServiceError('NOT_FOUND', [`${request.method} ${request.url}`]);
    case 406:
      return new ServiceError('NOT_ACCEPTABLE', [header(request, 'accept')]);
    case 413:
      return new ServiceError('BODY_TOO_LARGE', [ctx.bodyLimit]);
    case 415:
      return new ServiceError('UNSUPPORTED_MEDIA_TYPE', [header(request, 'content-type') || '(none)']);
  }
  // Other client-side failures fastify reports (e.g. a body stream aborted mid-read).
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ServiceError('INVALID_REQUEST', [e.message ?? `HTTP ${e.statusCode}`]);
  }
  return undefined;
}

export function sendError(reply: FastifyReply, err: ServiceError): FastifyReply {
  if (err.retryAfterS !== undefined) reply.header('retry-after', String(err.retryAfterS));
  if (err.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer');
  return reply.code(err.statusCode).type('application/json; charset=utf-8').send(JSON.stringify(err.toBody()));
}

export function registerErrorHandling(app: FastifyInstance, ctx: ErrorContext): void {
  app.setErrorHandler((err, request, reply) => {
    const known = classifyError(err, request, ctx);
    if (known) {
      request.log.info({ code: known.code, statusCode: known.statusCode }, known.message);
      return sendError(reply, known);
    }
    // Internals stay in the log; the client gets the request id to quote.
    request.log.error({ err }, 'unexpected error');
    return sendError(reply, new ServiceError('INTERNAL', [`unexpected failure; request id ${request.id}`]));
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, new ServiceError('NOT_FOUND', [`${request.method} ${request.url}`])));
}

/**
 * Requests Node's HTTP parser refuses before fastify sees them (a malformed request line
 * or header, a header block past the size limit, a body after a lying Content-Length):
 * a coded 400 INVALID_REQUEST naming the parser's error, then the connection closes, as
 * fastify's default does but with a registered code instead of its own uncoded body.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const body = JSON.stringify(new ServiceError('INVALID_REQUEST', [`malformed HTTP request (${err.code ?? 'parse error'})`]).toBody());
    socket.write(`HTTP/1.1 400 Bad Request\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}
