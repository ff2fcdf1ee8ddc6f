import { C1, Packr, Unpackr } from 'msgpackr';
import { ServiceError } from '../errors/service-error.js';
import type { Hex } from '../model/shapes.js';
import { bytesToHex, quantityToHex } from '../primitives/hex.js';

/**
 * msgpack bodies carry the same shape as JSON with binary bytes and integer
 * quantities. Requests are normalised to the JSON wire form (binary -> 0x-hex,
 * integers -> 0x-quantity) so that one schema validates both.
 */
export const MSGPACK_TYPES = ['application/vnd.msgpack', 'application/msgpack', 'application/x-msgpack'] as const;
export const MSGPACK_TYPE = MSGPACK_TYPES[0];

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'bigint' });
const packr = new Packr({ useRecords: false, variableMapSize: true, int64AsType: 'bigint' } as never);

export function decodeMsgpack(buf: Uint8Array): unknown {
  return unpackr.unpack(buf);
}

export function encodeMsgpack(v: unknown): Buffer {
  return packr.pack(v);
}

/** Binary -> data hex, integers -> quantity hex, recursively. Other values are left for the schema to judge. */
export function msgpackToWire(v: unknown): unknown {
  // msgpackr decodes the never-used byte 0xc1 to a marker object instead of failing.
  if (v === C1) throw new ServiceError('INVALID_MSGPACK', ['the never-used byte 0xc1 is not a value']);
  if (v instanceof Uint8Array) return bytesToHex(v);
  if (typeof v === 'bigint') return v >= 0n ? quantityToHex(v) : v.toString();
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? quantityToHex(v) : v;
  if (Array.isArray(v)) return v.map(msgpackToWire);
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[keyToString(k)] = msgpackToWire(x);
    return o;
  }
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = msgpackToWire(x);
    return o;
  }
  return v;
}

function keyToString(k: unknown): string {
  if (k instanceof Uint8Array) return bytesToHex(k);
  if (typeof k === 'number' || typeof k === 'bigint') return quantityToHex(k) as Hex;
  return String(k);
}
