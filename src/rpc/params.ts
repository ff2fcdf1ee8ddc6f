import { INVALID_PARAMS, RpcError } from './dispatch.js';

/**
 * Parsers of JSON-RPC parameters, as the execution-apis schemas spell them: quantities
 * (0x-hex, no leading zeros), data (0x-hex, whole bytes), addresses, 32-byte hashes,
 * block tags. Each names the parameter at fault in an INVALID_PARAMS error.
 */
export type BlockTag = 'latest' | 'safe' | 'finalized' | 'earliest' | 'pending';
/** A block as a parameter names it: a tag, a number, or a hash (EIP-1898's object too). */
export type BlockRef = { tag: BlockTag } | { number: bigint } | { hash: Uint8Array };

const TAGS: readonly string[] = ['latest', 'safe', 'finalized', 'earliest', 'pending'];

export function invalid(message: string): RpcError {
  return new RpcError(INVALID_PARAMS, message);
}

export function quantity(v: unknown, what: string): bigint {
  if (typeof v !== 'string' || !/^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/.test(v)) throw invalid(`${what}: expected a hex quantity (0x-prefixed, no leading zeros)`);
  if (v.length > 66) throw invalid(`${what}: above 2^256-1`);
  return BigInt(v);
}

/** A quantity, lenient about leading zeros (slots are often sent as 32-byte words). */
export function word(v: unknown, what: string): bigint {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(v)) throw invalid(`${what}: expected 0x-hex of at most 32 bytes`);
  return BigInt(v);
}

export function data(v: unknown, what: string, length?: number): Uint8Array {
  if (typeof v !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(v)) throw invalid(`${what}: expected 0x-hex bytes`);
  const b = Buffer.from(v.slice(2), 'hex');
  if (length !== undefined && b.length !== length) throw invalid(`${what}: expected ${length} bytes, got ${b.length}`);
  return new Uint8Array(b);
}

export function address(v: unknown, what: string): `0x${string}` {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v)) throw invalid(`${what}: expected a 20-byte 0x-hex address`);
  return v.toLowerCase() as `0x${string}`;
}

export function hash(v: unknown, what: string): Uint8Array {
  return data(v, what, 32);
}

export function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw invalid(`${what}: expected true or false`);
  return v;
}

/** A block parameter; absent means `latest` where the method allows it. */
export function blockRef(v: unknown, what: string, allowHash = true): BlockRef {
  if (v === undefined || v === null) return { tag: 'latest' };
  if (typeof v === 'string') {
    if (TAGS.includes(v)) return { tag: v as BlockTag };
    if (allowHash && v.length === 66) return { hash: hash(v, what) };
    const n = quantity(v, what);
    if (n >= 1n << 64n) throw invalid(`${what}: a block number is at most 2^64-1`);
    return { number: n };
  }
  if (allowHash && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as { blockHash?: unknown; blockNumber?: unknown };
    if (o.blockHash !== undefined) return { hash: hash(o.blockHash, `${what}.blockHash`) };
    if (o.blockNumber !== undefined) return blockRef(o.blockNumber, `${what}.blockNumber`, false);
  }
  throw invalid(`${what}: expected a block number, tag or hash`);
}

/** The positional parameters: at least `min`, at most `max`. */
export function arity(raw: unknown[], min: number, max: number): unknown[] {
  if (raw.length < min || raw.length > max) throw invalid(min === max ? `expected ${min} parameters, got ${raw.length}` : `expected ${min} to ${max} parameters, got ${raw.length}`);
  return raw;
}

export function object(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid(`${what}: expected an object`);
  return v as Record<string, unknown>;
}
