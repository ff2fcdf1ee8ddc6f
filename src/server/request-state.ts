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
    /** Releases what admission holds for this request (its body bytes); idempotent. */
    releaseHeld: () => void;
  }
}

export function decorateRequestState(app: FastifyInstance): void {
  app.decorateRequest('responseFormat', 'json');
  app.decorateRequest('validationStartedAt', 0);
  // Fastify refuses object defaults (they would be shared by all requests): each request gets its own in onRequest.
  app.decorateRequest('phaseMs', null as unknown as Record<string, number>);
  app.decorateRequest('releaseHeld', null as unknown as () => void);
  app.addHook('onRequest', async (request) => {
    request.phaseMs = {};
    request.releaseHeld = () => undefined;
  });
  // Released when the response is out or the client has gone, whichever comes first.
  app.addHook('onResponse', async (request) => request.releaseHeld());
  app.addHook('onRequestAbort', async (request) => request.releaseHeld());
}
