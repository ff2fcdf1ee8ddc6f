import type { FastifyInstance, FastifyRequest } from 'fastify';
import { since } from '../engine/engine.js';
import { ServiceError } from '../errors/service-error.js';
import { MSGPACK_TYPES, decodeMsgpack, msgpackToWire } from '../wire/msgpack.js';
import { JSON_TYPE } from './negotiate.js';

/**
 * Request body parsers: JSON and msgpack, both read whole as a Buffer and turned into
 * the JSON wire form, so one schema and one validator judge either. Fastify's own
 * parsers are removed so that every other Content-Type is refused with 415.
 */
export const REQUEST_TYPES = [JSON_TYPE, ...MSGPACK_TYPES] as const;

function isPlainObject(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A batch is an object; anything else is reported here, where the top-level value is known. */
function requireObject(v: unknown): unknown {
  if (!isPlainObject(v)) throw new ServiceError('INVALID_TYPE', ['/: expected object'], [{ path: '/', message: 'the request body must be an object' }]);
  return v;
}

function timed<T>(request: FastifyRequest, fn: () => T): T {
  const t0 = performance.now();
  const v = fn();
  request.phaseMs.decode = since(t0);
  return v;
}

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new ServiceError('EMPTY_BODY');
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new ServiceError('INVALID_JSON', [(e as Error).message]);
  }
  return requireObject(v);
}

export function parseMsgpackBody(body: Buffer): unknown {
  if (body.length === 0) throw new ServiceError('EMPTY_BODY');
  let v: unknown;
  try {
    // Throws on truncated input and on trailing bytes after the first value.
    v = decodeMsgpack(body);
  } catch (e) {
    throw new ServiceError('INVALID_MSGPACK', [(e as Error).message]);
  }
  return requireObject(msgpackToWire(v));
}

export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPE, { parseAs: 'buffer' }, (request, body, done) => {
    done(null, timed(request, () => parseJsonBody(body as Buffer)));
  });
  app.addContentTypeParser([...MSGPACK_TYPES], { parseAs: 'buffer' }, (request, body, done) => {
    done(null, timed(request, () => parseMsgpackBody(body as Buffer)));
  });
}
