import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ServiceError, type ErrorDetail } from '../errors/service-error.js';
import type { ServiceErrorCode } from '../errors/registry.js';
import type { WireBatch } from '../model/shapes.js';
import { BatchSchema, RawTxSchema, UnsignedTxSchema } from './schemas.js';

/**
 * Validates request bodies against the wire schemas and turns ajv's errors into
 * registered codes. Used by the HTTP route (as fastify's validator) and the CLI alike.
 */
// verbose: errors carry their parentSchema, whose x-kind tells INVALID_HEX from VALUE_OUT_OF_RANGE.
const ajv = new Ajv({ verbose: true, allErrors: false, strict: true, removeAdditional: false, coerceTypes: false, useDefaults: false });
ajv.addKeyword({ keyword: 'x-kind', schemaType: 'string' });

const compiled = new WeakMap<object, ValidateFunction>();
export function compile(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

const KIND_HINTS: Record<string, string> = {
  quantity: 'a 0x-hex quantity of at most 256 bits',
  u64: 'a 0x-hex quantity of at most 64 bits',
  data: '0x-prefixed hex of even length',
  address: 'a 20-byte 0x-hex address',
  hash: 'a 32-byte 0x-hex hash',
  word: 'a 0x-hex 256-bit word',
};

function classify(e: ErrorObject, value: unknown): { code: ServiceErrorCode; message: string } {
  const path = e.instancePath || '/';
  switch (e.keyword) {
    case 'required':
      return { code: 'MISSING_FIELD', message: `${path}: missing required field '${(e.params as { missingProperty: string }).missingProperty}'` };
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const keyPatterns = (e.parentSchema as { patternProperties?: Record<string, unknown> } | undefined)?.patternProperties;
      // A map (pre, storage, blockHashes) rejects a malformed key here, not as a pattern error.
      if (keyPatterns) return classifyMapKey(path, key, Object.keys(keyPatterns)[0]);
      return { code: 'UNKNOWN_FIELD', message: `${path}: unknown field '${key}'` };
    }
    case 'type':
      return { code: 'INVALID_TYPE', message: `${path}: expected ${(e.params as { type: string }).type}` };
    case 'pattern': {
      const kind = (e.parentSchema as Record<string, unknown> | undefined)?.['x-kind'] as string | undefined;
      const hint = kind ? KIND_HINTS[kind] ?? kind : 'a matching string';
      const s = typeof value === 'string' ? value : '';
      const tooLong = /^0x[0-9a-fA-F]+$/.test(s) && (kind === 'quantity' || kind === 'u64' || kind === 'word');
      if (!kind && e.instancePath === '' && e.propertyName !== undefined) {
        return { code: 'INVALID_HEX', message: `key '${e.propertyName}' is not ${e.schemaPath.includes('pre') ? 'an address' : 'a valid key'}` };
      }
      return tooLong
        ? { code: 'VALUE_OUT_OF_RANGE', message: `${path}: ${s.length > 40 ? s.slice(0, 40) + '…' : s} is too large; expected ${hint}` }
        : { code: 'INVALID_HEX', message: `${path}: expected ${hint}` };
    }
    case 'propertyNames':
      return { code: 'INVALID_HEX', message: `${path}: invalid key '${(e.params as { propertyName: string }).propertyName}'` };
    default:
      return { code: 'INVALID_REQUEST', message: `${path}: ${e.message ?? e.keyword}` };
  }
}

const HEX_NUMBER = /^0x[0-9a-fA-F]+$/;

function classifyMapKey(path: string, key: string, pattern: string): { code: ServiceErrorCode; message: string } {
  const isAddressMap = pattern.includes('{40}');
  const expected = isAddressMap ? 'a 20-byte 0x-hex address' : 'a 0x-hex number of at most 256 bits (block numbers: 64 bits or decimal)';
  // Well-formed hex that is too long is a number out of range; an address of the wrong length is just malformed.
  const code: ServiceErrorCode = !isAddressMap && HEX_NUMBER.test(key) ? 'VALUE_OUT_OF_RANGE' : 'INVALID_HEX';
  return { code, message: `${path}: key '${key.length > 70 ? key.slice(0, 70) + '…' : key}' is not ${expected}` };
}

function valueAt(root: unknown, pointer: string): unknown {
  let v: unknown = root;
  for (const part of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

/** The txs union reports errors of both branches; re-check the item against the branch it meant. */
function refineTxError(body: unknown, e: ErrorObject): ErrorObject[] | undefined {
  const m = /^\/txs\/(\d+)/.exec(e.instancePath);
  if (!m) return undefined;
  const item = valueAt(body, `/txs/${m[1]}`);
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const branch = compile('raw' in item ? RawTxSchema : UnsignedTxSchema);
  if (branch(item)) return undefined;
  return (branch.errors ?? []).map((x) => ({ ...x, instancePath: `/txs/${m[1]}${x.instancePath}` }));
}

export function toServiceError(body: unknown, errors: ErrorObject[]): ServiceError {
  let errs = errors;
  if (errs.some((e) => e.keyword === 'anyOf' && e.instancePath.startsWith('/txs/'))) {
    errs = refineTxError(body, errs.find((e) => e.keyword === 'anyOf')!) ?? errs;
  }
  // anyOf on nullable fields: report the concrete branch error, not the union.
  const primary = errs.find((e) => e.keyword !== 'anyOf') ?? errs[0];
  const first = classify(primary, valueAt(body, primary.instancePath));
  const details: ErrorDetail[] = errs
    .filter((e) => e.keyword !== 'anyOf')
    .map((e) => ({ path: e.instancePath || '/', message: classify(e, valueAt(body, e.instancePath)).message }));
  return new ServiceError(first.code, [first.message], details);
}

/** Throws a coded ServiceError unless `body` is a valid wire batch. */
export function validateBatch(body: unknown): asserts body is WireBatch {
  const v = compile(BatchSchema);
  if (body === undefined || body === null) throw new ServiceError('EMPTY_BODY');
  if (!v(body)) throw toServiceError(body, v.errors ?? []);
}
