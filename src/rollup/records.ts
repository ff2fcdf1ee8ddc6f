import { RLP } from '@ethereumjs/rlp';
import { KECCAK256_NULL } from '@ethereumjs/util';
import { bigintToMinimalBytes, bytesToBigint, hexToBytes } from '../primitives/hex.js';
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
  return RLP.encode([bigintToMinimalBytes(a.nonce), bigintToMinimalBytes(a.balance), a.codeHash, a.storageRoot, a.slots]);
}

export function decodeAccount(b: Uint8Array): AccountRecord {
  const [nonce, balance, codeHash, storageRoot, slots] = RLP.decode(b) as Uint8Array[];
  return { nonce: bytesToBigint(nonce), balance: bytesToBigint(balance), codeHash, storageRoot, slots: Number(bytesToBigint(slots)) };
}

/** The account trie's leaf: RLP [nonce, balance, storageRoot, codeHash]. */
export function accountLeaf(a: AccountRecord): Uint8Array {
  return RLP.encode([bigintToMinimalBytes(a.nonce), bigintToMinimalBytes(a.balance), a.storageRoot, a.codeHash]);
}

/** A storage trie's leaf: the RLP of the value's minimal bytes. */
export function slotLeaf(value: bigint): Uint8Array {
  return RLP.encode(bigintToMinimalBytes(value));
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

export function encodeReverseDiff(d: ReverseDiff): Uint8Array {
  return RLP.encode([
    d.accounts.map(([a, r]) => [a, r ? encodeAccount(r) : new Uint8Array(0)]),
    d.slots.map(([a, slot, v]) => [a, bigintToMinimalBytes(slot), bigintToMinimalBytes(v)]),
  ]);
}

export function decodeReverseDiff(b: Uint8Array): ReverseDiff {
  const [accounts, slots] = RLP.decode(b) as unknown as [[Uint8Array, Uint8Array][], [Uint8Array, Uint8Array, Uint8Array][]];
  return {
    accounts: accounts.map(([a, r]) => [a, r.length === 0 ? undefined : decodeAccount(r)]),
    slots: slots.map(([a, slot, v]) => [a, bytesToBigint(slot), bytesToBigint(v)]),
  };
}
