import { hexToBytes } from '../primitives/hex.js';
import { jsonError } from './errors.js';

/**
 * Decoders for the loosely typed values t8n inputs carry. geth accepts numbers as
 * 0x-hex or decimal strings (math.HexOrDecimal) and sometimes as bare JSON numbers,
 * addresses with or without 0x; every decoder here accepts that superset and names
 * the offending field when it fails, so a bad input exits with ErrorJson.
 */

const MAX_U64 = (1n << 64n) - 1n;
const MAX_U256 = (1n << 256n) - 1n;

export function parseNumber(v: unknown, field: string, max: bigint = MAX_U256): bigint {
  let n: bigint;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) n = BigInt(v);
  else if (typeof v === 'bigint' && v >= 0n) n = v;
  else if (typeof v === 'string' && /^0[xX][0-9a-fA-F]*$/.test(v)) n = v.length === 2 ? 0n : BigInt(v);
  else if (typeof v === 'string' && /^[0-9]+$/.test(v)) n = BigInt(v);
  else throw jsonError(`${field}: expected a hex or decimal number, got ${JSON.stringify(v)}`);
  if (n > max) throw jsonError(`${field}: ${v} does not fit in ${max === MAX_U64 ? 64 : 256} bits`);
  return n;
}

export const parseU64 = (v: unknown, field: string): bigint => parseNumber(v, field, MAX_U64);

export function optionalNumber(v: unknown, field: string, max?: bigint): bigint | undefined {
  return v === undefined || v === null ? undefined : parseNumber(v, field, max);
}

export const optionalU64 = (v: unknown, field: string): bigint | undefined => optionalNumber(v, field, MAX_U64);

/** 0x-prefixed hex of even length (hexutil.Bytes); `0x` is empty. */
export function parseBytes(v: unknown, field: string): Uint8Array {
  if (typeof v !== 'string' || !/^0[xX]([0-9a-fA-F]{2})*$/.test(v)) {
    throw jsonError(`${field}: expected 0x-prefixed hex bytes, got ${JSON.stringify(v)}`);
  }
  return hexToBytes(v);
}

function fixedHex(v: unknown, field: string, size: number, what: string): Uint8Array {
  if (typeof v === 'string') {
    const h = v.startsWith('0x') || v.startsWith('0X') ? v.slice(2) : v;
    if (h.length === size * 2 && /^[0-9a-fA-F]*$/.test(h)) return hexToBytes(`0x${h}`);
  }
  throw jsonError(`${field}: expected ${what}, got ${JSON.stringify(v)}`);
}

/** geth reads addresses as UnprefixedAddress in env and alloc, so 0x is optional. */
export const parseAddress = (v: unknown, field: string) => fixedHex(v, field, 20, 'a 20-byte address');
export const parseHash = (v: unknown, field: string) => fixedHex(v, field, 32, 'a 32-byte hash');

export function asObject(v: unknown, field: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw jsonError(`${field}: expected an object`);
  return v as Record<string, unknown>;
}

export function asArray(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) throw jsonError(`${field}: expected an array`);
  return v;
}
