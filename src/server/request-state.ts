import type { FastifyInstance } from 'fastify';
import type { ResponseFormat } from './negotiate.js';

/** Per-request state the execute route's hooks hand to its handler. */
declare module 'fastify' {
  interface FastifyRequest {
    /** Format negotiated from Accept, before the body is read. */
    responseFormat: ResponseFormat;
    /** Milliseconds the server spent per phase before the engine ran (decode, validate, parse). */
    phaseMs: Record<string, number>;
    /** performance.now() when schema validation began. */
    validationStartedAt: number;
  }
}

export function decorateRequestState(app: FastifyInstance): void {
  app.decorateRequest('responseFormat', 'json');
  app.decorateRequest('validationStartedAt', 0);
  // Fastify refuses object defaults (they would be shared by all requests): each request gets its own in onRequest.
  app.decorateRequest('phaseMs', null as unknown as Record<string, number>);
  app.addHook('onRequest', async (request) => {
    request.phaseMs = {};
  });
}
