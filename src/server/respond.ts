import type { BatchResult } from '../model/shapes.js';
import { formatResult, jsonCodec, msgpackCodec, type Codec } from '../wire/format.js';
import { MSGPACK_TYPE, encodeMsgpack } from '../wire/msgpack.js';
import { JSON_TYPE, type ResponseFormat } from './negotiate.js';

const MAX_UINT64 = (1n << 64n) - 1n;

/**
 * msgpack integers stop at 64 bits, and balances (wei) often exceed that. Such
 * quantities travel as big-endian binary instead, the form requests may already use
 * for them (msgpackToWire reads binary where a quantity is expected as its hex).
 */
export const msgpackResponseCodec: Codec<number | bigint | Uint8Array, Uint8Array> = {
  q: (v) => (v <= MAX_UINT64 ? msgpackCodec.q(v) : bigintToBytes(v)),
  b: msgpackCodec.b,
};

function bigintToBytes(v: bigint): Uint8Array {
  const h = v.toString(16);
  return Uint8Array.from(Buffer.from(h.length % 2 ? `0${h}` : h, 'hex'));
}

/** The response body and its Content-Type for a batch result in the negotiated format. */
export function encodeResult(result: BatchResult, format: ResponseFormat): { type: string; body: string | Buffer } {
  if (format === 'msgpack') return { type: MSGPACK_TYPE, body: encodeMsgpack(formatResult(result, msgpackResponseCodec)) };
  return { type: `${JSON_TYPE}; charset=utf-8`, body: JSON.stringify(formatResult(result, jsonCodec)) };
}
