import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ServiceError } from '../errors/service-error.js';

/**
 * Optional bearer-token authentication. With a token configured, every request other
 * than GET, HEAD and OPTIONS (so every execution and every write, whatever routes are
 * added later) must carry `Authorization: Bearer <token>`, checked before its body is
 * read; reads (/healthz, /metrics, /v1/engines, /v1/stats, /docs) stay open. The
 * comparison is constant-time: both sides are hashed to equal-length digests first, so
 * neither the content nor the length of the token leaks through timing.
 */
const OPEN_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // A missing or malformed header is still hashed and compared, so it takes as long as a wrong token.
  return timingSafeEqual(digest(m?.[1] ?? ''), expected) && m !== null;
}

export function needsToken(request: FastifyRequest): boolean {
  return !OPEN_METHODS.has(request.method);
}

export function registerAuth(app: FastifyInstance, token: string | undefined): void {
  if (token === undefined) return;
  const expected = digest(token);
  app.addHook('onRequest', async (request) => {
    if (needsToken(request) && !bearerMatches(request.headers.authorization, expected)) throw new ServiceError('UNAUTHORIZED');
  });
}
