import type { Account, WireBatch } from '../model/shapes.js';
import { bytesToHex, quantityToHex, wordToHex } from '../primitives/hex.js';
import { sortByBigintKey } from '../primitives/sort-by-bigint.js';
import { jsonError } from './errors.js';
import { asObject, optionalU64, parseAddress, parseBytes, parseNumber } from './json-values.js';

/**
 * The t8n `alloc` (geth's GenesisAlloc) in and out. In memory an alloc is a map of
 * lowercase 0x address -> domain Account, zero storage values dropped, so pre and post
 * states compare and hash the same way whatever spelling the input used.
 */
export type Alloc = Map<string, Account>;

/** Storage keys and values are always hex in geth (storageJSON), 0x optional, left-padded. */
function parseWord(v: unknown, field: string): bigint {
  if (typeof v === 'string') {
    const h = v.startsWith('0x') || v.startsWith('0X') ? v.slice(2) : v;
    if (h.length <= 64 && /^[0-9a-fA-F]*$/.test(h)) return h.length === 0 ? 0n : BigInt(`0x${h}`);
  }
  throw jsonError(`${field}: expected a hex storage word, got ${JSON.stringify(v)}`);
}

export function parseAlloc(json: unknown, field = 'alloc'): Alloc {
  const alloc: Alloc = new Map();
  if (json === undefined || json === null) return alloc;
  for (const [addr, raw] of Object.entries(asObject(json, field))) {
    const where = `${field}[${addr}]`;
    const key = bytesToHex(parseAddress(addr, where));
    const a = asObject(raw, where);
    const storage = new Map<bigint, bigint>();
    if (a.storage !== undefined && a.storage !== null) {
      for (const [k, v] of Object.entries(asObject(a.storage, `${where}.storage`))) {
        const value = parseWord(v, `${where}.storage[${k}]`);
        if (value !== 0n) storage.set(parseWord(k, `${where}.storage key`), value);
      }
    }
    alloc.set(key, {
      balance: a.balance === undefined ? 0n : parseNumber(a.balance, `${where}.balance`),
      nonce: optionalU64(a.nonce, `${where}.nonce`) ?? 0n,
      code: a.code === undefined || a.code === null ? new Uint8Array() : parseBytes(a.code, `${where}.code`),
      storage,
    });
  }
  return alloc;
}

export function cloneAlloc(alloc: Alloc): Alloc {
  const out: Alloc = new Map();
  for (const [k, a] of alloc) out.set(k, { ...a, storage: new Map(a.storage) });
  return out;
}

/** The alloc as the batch's `pre` (wire form). */
export function allocToWirePre(alloc: Alloc): WireBatch['pre'] {
  const pre: WireBatch['pre'] = {};
  for (const [addr, a] of alloc) {
    pre[addr as `0x${string}`] = {
      balance: quantityToHex(a.balance),
      nonce: quantityToHex(a.nonce),
      ...(a.code.length ? { code: bytesToHex(a.code) } : {}),
      ...(a.storage.size
        ? { storage: Object.fromEntries([...a.storage].map(([k, v]) => [quantityToHex(k), quantityToHex(v)])) }
        : {}),
    };
  }
  return pre;
}

export interface GethAccountJson {
  code?: string;
  storage?: Record<string, string>;
  balance: string;
  nonce?: string;
}


/**
 * geth's alloc dump: addresses sorted, fields in GenesisAccount order (code, storage,
 * balance, nonce), empty code / storage and zero nonce omitted, storage keys and values
 * as full 32-byte words.
 */
export function formatAlloc(alloc: Alloc): Record<string, GethAccountJson> {
  const out: Record<string, GethAccountJson> = {};
  for (const addr of [...alloc.keys()].sort()) {
    const a = alloc.get(addr)!;
    const slots = sortByBigintKey([...a.storage].filter(([, v]) => v !== 0n));
    out[addr] = {
      ...(a.code.length ? { code: bytesToHex(a.code) } : {}),
      ...(slots.length ? { storage: Object.fromEntries(slots.map(([k, v]) => [wordToHex(k), wordToHex(v)])) } : {}),
      balance: quantityToHex(a.balance),
      ...(a.nonce !== 0n ? { nonce: quantityToHex(a.nonce) } : {}),
    };
  }
  return out;
}
