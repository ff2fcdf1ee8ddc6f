import { deserialize } from 'node:v8';
import { serialize } from '../primitives/serialize.js';
import type { ServiceErrorCode } from '../errors/registry.js';
import { ServiceError } from '../errors/service-error.js';
import { storedDiff } from '../chain/stored-diff.js';
import type { BatchResult } from '../model/shapes.js';
import { decodeMsgpack, encodeMsgpack } from '../wire/msgpack.js';

/**
 * What a worker stores under a batch's hash: the batch's result, or the coded error it
 * ended with, and who ran it. The result is v8-serialized (the chain's block records
 * use the same form: bigints and byte arrays as they are, no re-parsing), inside a
 * msgpack envelope that says which it holds. Fronts and workers of one deployment run
 * the same release.
 */
export interface ResultRecord {
  result?: BatchResult;
  error?: { code: ServiceErrorCode; status: number; message: string };
  /** The worker that ran it. */
  worker: string;
  /** Its execution time on that worker, and the delivery that ran it (1: the first). */
  ms: number;
  delivery: number;
}

/**
 * The envelope's version. 2: the result's state diff holds slots as numbers; a version 1
 * record (slots as hex) is read as that. A release that knows only 1 refuses a 2 with an
 * error rather than misreading its diff.
 */
const VERSION = 2;

interface Envelope {
  v: 1 | 2;
  result?: Uint8Array;
  error?: ResultRecord['error'];
  worker: string;
  ms: number;
  delivery: number;
}

/** A value too large for one message: the key-value entry points at an object. */
interface Pointer {
  v: 1;
  object: string;
  size: number;
}

export function encodeRecord(r: ResultRecord): Uint8Array {
  const env: Envelope = { v: VERSION, worker: r.worker, ms: r.ms, delivery: r.delivery };
  if (r.result) env.result = serialize(r.result);
  if (r.error) env.error = r.error;
  return encodeMsgpack(env);
}

export function decodeRecord(bytes: Uint8Array): ResultRecord {
  const env = decodeMsgpack(bytes) as Envelope;
  if (env?.v !== 1 && env?.v !== VERSION) throw new Error('result record: unknown version');
  const result = env.result ? (deserialize(env.result) as BatchResult) : undefined;
  if (result && env.v === 1) storedDiff(result.stateDiff);
  return {
    ...(result ? { result } : {}),
    ...(env.error ? { error: env.error } : {}),
    worker: env.worker,
    ms: env.ms,
    delivery: env.delivery,
  };
}

export function encodePointer(object: string, size: number): Uint8Array {
  return encodeMsgpack({ v: 1, object, size } satisfies Pointer);
}

/** The object a stored value points at, or undefined when the value is the record itself. */
export function pointedObject(bytes: Uint8Array): string | undefined {
  // A pointer is a few dozen bytes; anything larger is a record, not decoded twice here.
  if (bytes.length > 256) return undefined;
  const v = decodeMsgpack(bytes) as Partial<Pointer>;
  return typeof v?.object === 'string' ? v.object : undefined;
}

/** The record's error as the front answers it; a record without one is a result. */
export function recordError(r: ResultRecord): ServiceError | undefined {
  if (!r.error) return undefined;
  const e = new ServiceError(r.error.code, []);
  // The message was filled on the worker; keep it as it was.
  e.message = r.error.message;
  return e;
}
