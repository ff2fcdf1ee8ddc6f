import { RLP } from '@ethereumjs/rlp';
import { KECCAK256_NULL } from '@ethereumjs/util';
import { bytesToBigint, hexToBytes } from '../primitives/hex.js';
import { headerSize, LIST, writeHeader, writeScalar, writeString, writeUint } from '../chain/rlp-write.js';
import { EMPTY_TRIE_ROOT } from './trie.js';

/**
 * How the chain's state sits in the store: keys (binary, ordered so that an account's
 * slots and a block's reverse diff are ranges) and the account record.
 *
 * | table    | key                                   | value |
 * | -------- | ------------------------------------- | ----- |
 * | accounts | address (20)                          | account record: RLP [nonce, balance, codeHash, storageRoot, non-zero slots] |
 * | storage  | address (20) . slot (32)              | value, minimal big-endian (zero slots are absent) |
 * | code     | code hash (32)                        | code |
 * | nodes    | node hash (32)                        | trie node (account trie and every storage trie) |
 * | headers  | number (8)                            | header record (msgpack) |
 * | blocks   | number (8) . piece (4)                | block record: the result as applied (v8 serialized), in pieces (chunked.ts) |
 * | index    | 'b' . block hash, 't' . tx hash        | number (8), and for a transaction its position (4) |
 * | undo     | number (8) . piece (4)                | the block's reverse diff: RLP [[address, record before (empty: absent)]...], [[address, slot, value before]...], in pieces |
 * | meta     | name                                  | head, finalized, genesis |
 */
export interface AccountRecord {
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
  /** Root of the account's storage trie. */
  storageRoot: Uint8Array;
  /** How many non-zero slots it has. */
  slots: number;
}

export const EMPTY_ACCOUNT: AccountRecord = { nonce: 0n, balance: 0n, codeHash: KECCAK256_NULL, storageRoot: EMPTY_TRIE_ROOT, slots: 0 };

export function encodeAccount(a: AccountRecord): Uint8Array {
  return accountList(a.nonce, a.balance, a.codeHash, a.storageRoot, a.slots);
}

export function decodeAccount(b: Uint8Array): AccountRecord {
  const [nonce, balance, codeHash, storageRoot, slots] = RLP.decode(b) as Uint8Array[];
  return { nonce: bytesToBigint(nonce), balance: bytesToBigint(balance), codeHash, storageRoot, slots: Number(bytesToBigint(slots)) };
}

/** The account trie's leaf: RLP [nonce, balance, storageRoot, codeHash]. */
export function accountLeaf(a: AccountRecord): Uint8Array {
  return accountList(a.nonce, a.balance, a.storageRoot, a.codeHash);
}

/**
 * RLP [nonce, balance, h1, h2, (slots)], written into one buffer: the same bytes as
 * @ethereumjs/rlp's encode of the items (test/rollup/records.test.ts), without the item
 * arrays, made 1,400 times a block for the trie and again for the records.
 */
function accountList(nonce: bigint, balance: bigint, h1: Uint8Array, h2: Uint8Array, slots?: number): Uint8Array {
  // Scalars of up to 32 bytes, two 32-byte strings, a count of up to 8 bytes: under 120 bytes of payload.
  const body = Buffer.allocUnsafe(120);
  let o = writeScalar(body, 0, nonce);
  o += writeScalar(body, o, balance);
  o = writeString(body, writeString(body, o, h1), h2);
  if (slots !== undefined) o = writeUint(body, o, slots);
  const out = new Uint8Array(headerSize(o) + o);
  out.set(body.subarray(0, o), writeHeader(out, 0, o, LIST));
  return out;
}

/** A storage trie's leaf: the RLP of the value's minimal bytes. */
export function slotLeaf(value: bigint): Uint8Array {
  const out = Buffer.allocUnsafe(34);
  return new Uint8Array(out.subarray(0, writeScalar(out, 0, value)));
}

export function addressKey(addr: string): Uint8Array {
  return hexToBytes(addr);
}

export function slotBytes(slot: bigint): Uint8Array {
  return hexToBytes(`0x${slot.toString(16).padStart(64, '0')}`);
}

export function storageKey(addr: Uint8Array, slot: bigint): Uint8Array {
  const out = new Uint8Array(52);
  out.set(addr);
  out.set(slotBytes(slot), 20);
  return out;
}

export function numberKey(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

export function keyNumber(k: Uint8Array): bigint {
  return new DataView(k.buffer, k.byteOffset, 8).getBigUint64(0);
}

/** A block's reverse diff: every account record and slot it changed, as they were before it. */
export interface ReverseDiff {
  /** Address, and the record before (undefined: the account did not exist). */
  accounts: [Uint8Array, AccountRecord | undefined][];
  slots: [Uint8Array, bigint, bigint][];
}

/**
 * RLP [[[address, record before (empty: absent)]...], [[address, slot, value before]...]],
 * written into one buffer (the same bytes as @ethereumjs/rlp's encode of those arrays,
 * test/rollup/records.test.ts): a block's 4,000 entries as item arrays took 13-18 ms.
 */
export function encodeReverseDiff(d: ReverseDiff): Uint8Array {
  // Each entry's list: an address (21), then a record (≤ 122) or two scalars (≤ 33 each); its header ≤ 2.
  const body = Buffer.allocUnsafe(d.accounts.length * 150 + d.slots.length * 94);
  let o = 0;
  for (const [a, r] of d.accounts) o = writeEntry(body, o, (b, p) => writeString(b, writeString(b, p, a), r ? encodeAccount(r) : EMPTY));
  const accountsEnd = o;
  for (const [a, slot, v] of d.slots) o = writeEntry(body, o, (b, p) => {
    p = writeString(b, p, a);
    p += writeScalar(b, p, slot);
    return p + writeScalar(b, p, v);
  });
  const accounts = accountsEnd;
  const slots = o - accountsEnd;
  const inner = headerSize(accounts) + accounts + headerSize(slots) + slots;
  const out = new Uint8Array(headerSize(inner) + inner);
  let p = writeHeader(out, 0, inner, LIST);
  p = writeHeader(out, p, accounts, LIST);
  out.set(body.subarray(0, accountsEnd), p);
  p = writeHeader(out, p + accounts, slots, LIST);
  out.set(body.subarray(accountsEnd, o), p);
  return out;
}

const EMPTY = new Uint8Array(0);

/** Writes a list at `o` whose payload `fill` writes (from where it is given, returning where it ends), under a header sized to it. */
function writeEntry(b: Buffer, o: number, fill: (b: Buffer, p: number) => number): number {
  // The payload goes two bytes in (a long list's header); a short one moves back a byte.
  const end = fill(b, o + 2);
  const len = end - o - 2;
  if (len < 56) {
    b[o] = LIST + len;
    b.copyWithin(o + 1, o + 2, end);
    return end - 1;
  }
  writeHeader(b, o, len, LIST);
  return end;
}

export function decodeReverseDiff(b: Uint8Array): ReverseDiff {
  const [accounts, slots] = RLP.decode(b) as unknown as [[Uint8Array, Uint8Array][], [Uint8Array, Uint8Array, Uint8Array][]];
  return {
    accounts: accounts.map(([a, r]) => [a, r.length === 0 ? undefined : decodeAccount(r)]),
    slots: slots.map(([a, slot, v]) => [a, bytesToBigint(slot), bytesToBigint(v)]),
  };
}
