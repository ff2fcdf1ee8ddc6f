import type { BatchResult } from '../model/shapes.js';
import { formatResult, jsonCodec, msgpackCodec } from '../wire/format.js';
import { MSGPACK_TYPE, encodeMsgpack } from '../wire/msgpack.js';
import { JSON_TYPE, type ResponseFormat } from './negotiate.js';

/** The response body and its Content-Type for a batch result in the negotiated format. */
export function encodeResult(result: BatchResult, format: ResponseFormat): { type: string; body: string | Buffer } {
  if (format === 'msgpack') return { type: MSGPACK_TYPE, body: encodeMsgpack(formatResult(result, msgpackCodec)) };
  return { type: `${JSON_TYPE}; charset=utf-8`, body: JSON.stringify(formatResult(result, jsonCodec)) };
}
