import { keccak256 } from '../primitives/keccak.js';
import { DELEGATION_PREFIX } from '../evm/tx-rules.js';
import type { GpuAccountOverride, GpuAccountState, GpuStateSnapshot } from './abi.js';
import { ACCOUNT, ACCOUNT_DELEGATED, ACCOUNT_MALFORMED, ACCOUNT_STORAGE, SLOT } from './layout.js';
import { addressKey, hashAddress, hashSlot, putAddress, putBytesAsU256, putU256 } from './words.js';

/**
 * The snapshot as the kernel reads it (kernels/interpreter/state.wgsl): an account
 * table and a storage table, open addressing with linear probing, at most half full,
 * in one u32 array, and after them the calls' override entries (ACCOUNT records read
 * before the table, one list per call). Every account's storage is uploaded: a call
 * may reach any account through its frames.
 */
export interface StateTables {
  /** The base tables' words, shared with them (not copied): the front of the state buffer. */
  readonly words: Uint32Array;
  /** The calls' override entries, which follow the base tables in the state buffer. */
  readonly tail: Uint32Array;
  /** The base tables as they stand now: equal for two dispatches when their base words are (the executor then uploads them once). */
  readonly version: BaseVersion;
  readonly accountsAt: number;
  readonly accountsMask: number;
  readonly slotsAt: number;
  readonly slotsMask: number;
  /** Where each call's override entries start, and how many. */
  readonly overrides: readonly { at: number; count: number }[];
}

/** Where a code's bytes and JUMPDEST bitmap went in the blob (one upload per code; `hash`, when known, finds equal code without reading it). */
export type CodePlacer = (code: Uint8Array, hash?: Uint8Array) => { code: number; bitmap: number };

/**
 * EXTCODE* of code starting 0xEF00 see the two bytes 0xEF00 and their hash: the
 * reference (@ethereumjs/evm, opcodes/functions.ts) treats such code as EOF in every fork.
 */
const EOF_PREFIX = new Uint8Array([0xef, 0x00]);
const EOF_HASH = keccak256(EOF_PREFIX);

const isEof = (code: Uint8Array) => code.length >= 2 && code[0] === 0xef && code[1] === 0x00;
const startsDelegated = (code: Uint8Array) => code.length >= DELEGATION_PREFIX.length && DELEGATION_PREFIX.every((b, i) => code[i] === b);

/** The reference's EIP-161 emptiness: no nonce, no balance, no code. */
const isEmpty = (a: { nonce: bigint; balance: bigint; code: Uint8Array }) => a.nonce === 0n && a.balance === 0n && a.code.length === 0;

type EntryAccount = Pick<GpuAccountState, 'balance' | 'nonce' | 'code' | 'codeHash'> & { storageNonEmpty: boolean };

function putEntry(words: Uint32Array, e: number, address: Uint8Array, a: EntryAccount, slotTag: number, place: CodePlacer, what: string): void {
  words[e + ACCOUNT.offset.used] = 1;
  putAddress(words, e + ACCOUNT.offset.address, address);
  putU256(words, e + ACCOUNT.offset.balance, a.balance, `balance of ${what}`);
  if (a.nonce < 0n || a.nonce >= 1n << 64n) throw new RangeError(`nonce of ${what} out of 64-bit range: ${a.nonce}`);
  words[e + ACCOUNT.offset.nonce] = Number(a.nonce & 0xffffffffn);
  words[e + ACCOUNT.offset.nonce + 1] = Number(a.nonce >> 32n);
  if (!isEmpty(a)) putBytesAsU256(words, e + ACCOUNT.offset.extHash, isEof(a.code) ? EOF_HASH : a.codeHash);
  const run = a.code.length ? place(a.code, a.codeHash) : { code: 0, bitmap: 0 };
  const ext = isEof(a.code) ? place(EOF_PREFIX) : run;
  words[e + ACCOUNT.offset.codeLen] = isEof(a.code) ? EOF_PREFIX.length : a.code.length;
  words[e + ACCOUNT.offset.codeAt] = ext.code;
  words[e + ACCOUNT.offset.runLen] = a.code.length;
  words[e + ACCOUNT.offset.runAt] = run.code;
  words[e + ACCOUNT.offset.jumpdestsAt] = run.bitmap;
  words[e + ACCOUNT.offset.slotTag] = slotTag;
  const delegated = startsDelegated(a.code);
  words[e + ACCOUNT.offset.flags] =
    (a.storageNonEmpty ? ACCOUNT_STORAGE : 0) | (delegated && a.code.length === DELEGATION_PREFIX.length + 20 ? ACCOUNT_DELEGATED : 0) | (delegated && a.code.length !== DELEGATION_PREFIX.length + 20 ? ACCOUNT_MALFORMED : 0);
}

/**
 * The account and storage tables alone, as the resident copy (resident-tables.ts) keeps
 * them between dispatches: `tags` gives each address its slot tag (its entry's index + 1),
 * `storageNonEmpty` what its ACCOUNT_STORAGE flag says, `slotsUsed` the storage entries
 * taken (a zero-valued one reads as absent).
 */
export interface BaseTables {
  readonly words: Uint32Array;
  /** Patches made in place (resident-tables.ts); the words of one object and count never differ. */
  patches: number;
  readonly accountSlots: number;
  readonly slotSlots: number;
  readonly tags: Map<string, number>;
  readonly storageNonEmpty: Map<string, boolean>;
  /** Each address's bytes, parsed once for the tables' life. */
  readonly addressBytes: Map<string, Uint8Array>;
  slotsUsed: number;
}

/** Which base tables, and how often they were patched in place since they were built. */
export interface BaseVersion {
  readonly tables: BaseTables;
  readonly patches: number;
}

/** Open-addressing capacity for `entries` (at most half full), with room for `headroom` more. */
function capacity(entries: number, headroom = 0): number {
  let n = 2;
  while (n < 2 * (entries + headroom)) n *= 2;
  return n;
}

export function buildBaseTables(snapshot: GpuStateSnapshot, place: CodePlacer, headroom = 0): BaseTables {
  const accounts = [...snapshot.accounts];
  const accountSlots = capacity(accounts.length, headroom);
  let slotCount = 0;
  for (const [, a] of accounts) for (const v of a.storage.values()) if (v !== 0n) slotCount++;
  const slotSlots = capacity(slotCount, headroom);
  const words = new Uint32Array(accountSlots * ACCOUNT.words + slotSlots * SLOT.words);
  const tables: BaseTables = { words, patches: 0, accountSlots, slotSlots, tags: new Map(), storageNonEmpty: new Map(), addressBytes: new Map(), slotsUsed: 0 };
  for (const [addr, a] of accounts) putAccount(tables, addr, a, place);
  for (const [addr, a] of accounts) {
    const tag = tables.tags.get(addr)!;
    for (const [slot, value] of a.storage) if (value !== 0n) putSlot(tables, tag, slot, value, addr);
  }
  return tables;
}

/** Thrown by putAccount and putSlot when the table would pass half full: the caller rebuilds. */
export class TableFull extends Error {}

/** Writes account `addr` into its entry, taking a free one if it has none yet. Storage is written apart (putSlot). */
export function putAccount(t: BaseTables, addr: string, a: GpuAccountState, place: CodePlacer): void {
  const address = addressOf(t, addr);
  let tag = t.tags.get(addr);
  if (tag === undefined) {
    if (2 * (t.tags.size + 1) > t.accountSlots) throw new TableFull('account table full');
    const key = new Uint32Array(8);
    putAddress(key, 0, address);
    let i = hashAddress(key, 0) & (t.accountSlots - 1);
    while (t.words[i * ACCOUNT.words + ACCOUNT.offset.used] !== 0) i = (i + 1) & (t.accountSlots - 1);
    t.tags.set(addr, (tag = i + 1));
  }
  const storageNonEmpty = hasNonZero(a.storage);
  t.storageNonEmpty.set(addr, storageNonEmpty);
  const e = (tag - 1) * ACCOUNT.words;
  t.words.fill(0, e, e + ACCOUNT.words);
  putEntry(t.words, e, address, { ...a, storageNonEmpty }, tag, place, addr);
}

/** Whether any slot holds a non-zero value: stops at the first (a token's storage may hold thousands, and a rerun wave rewrites every account a commit changed). */
export function hasNonZero(storage: ReadonlyMap<bigint, bigint>): boolean {
  for (const v of storage.values()) if (v !== 0n) return true;
  return false;
}

/** Sets slot `slot` of the account tagged `tag` to `value` (zero: absent), taking an entry only for a non-zero value. */
export function putSlot(t: BaseTables, tag: number, slot: bigint, value: bigint, what: string): void {
  const slotsAt = t.accountSlots * ACCOUNT.words;
  const key = new Uint32Array(8);
  putU256(key, 0, slot, `storage key of ${what}`);
  let i = hashSlot(tag, key, 0) & (t.slotSlots - 1);
  for (;;) {
    const e = slotsAt + i * SLOT.words;
    const owner = t.words[e + SLOT.offset.account];
    if (owner === 0) {
      if (value === 0n) return;
      if (2 * (t.slotsUsed + 1) > t.slotSlots) throw new TableFull('storage table full');
      t.slotsUsed++;
      t.words[e + SLOT.offset.account] = tag;
      t.words.set(key, e + SLOT.offset.key);
      putU256(t.words, e + SLOT.offset.value, value, `storage value of ${what}`);
      return;
    }
    if (owner === tag && sameKey(t.words, e + SLOT.offset.key, key)) {
      putU256(t.words, e + SLOT.offset.value, value, `storage value of ${what}`);
      return;
    }
    i = (i + 1) & (t.slotSlots - 1);
  }
}

function sameKey(words: Uint32Array, at: number, key: Uint32Array): boolean {
  for (let k = 0; k < 8; k++) if (words[at + k] !== key[k]) return false;
  return true;
}

/**
 * The dispatch's state buffer: the base tables, then each call's override entries (its
 * tail, made anew; the base words are shared, not copied). A call's overrides keep the
 * snapshot's storage (its slot tag) for the same address.
 */
export function withOverrides(base: BaseTables, overrides: readonly (readonly GpuAccountOverride[] | undefined)[], place: CodePlacer): StateTables {
  const overrideCount = overrides.reduce((n, o) => n + (o?.length ?? 0), 0);
  const overridesAt = base.words.length;
  const tail = new Uint32Array(overrideCount * ACCOUNT.words);
  let at = 0;
  const placed = overrides.map((list) => {
    const start = overridesAt + at;
    for (const o of list ?? []) {
      const addr = addressKey(o.address);
      putEntry(tail, at, o.address, { ...o, storageNonEmpty: base.storageNonEmpty.get(addr) ?? false }, base.tags.get(addr) ?? 0, place, `override ${addr}`);
      at += ACCOUNT.words;
    }
    return { at: start, count: list?.length ?? 0 };
  });
  const slotsAt = base.accountSlots * ACCOUNT.words;
  const version = { tables: base, patches: base.patches };
  return { words: base.words, tail, version, accountsAt: 0, accountsMask: base.accountSlots - 1, slotsAt, slotsMask: base.slotSlots - 1, overrides: placed };
}

export function buildStateTables(snapshot: GpuStateSnapshot, overrides: readonly (readonly GpuAccountOverride[] | undefined)[], place: CodePlacer): StateTables {
  return withOverrides(buildBaseTables(snapshot, place), overrides, place);
}

/**
 * Address bytes by key, parsed once per tables: the resident tables of a batch's waves
 * (resident-tables.ts) patch the same tables, whose map finds them. (A map by account
 * object as well cost more than it saved: each wave's changed accounts are new objects,
 * and a batch's first build sees only new ones.)
 */
function addressOf(t: BaseTables, key: string): Uint8Array {
  let bytes = t.addressBytes.get(key);
  if (!bytes) t.addressBytes.set(key, (bytes = addressBytes(key)));
  return bytes;
}

function addressBytes(key: string): Uint8Array {
  if (!/^0x[0-9a-f]{40}$/.test(key)) throw new RangeError(`snapshot account key must be 0x + 40 lowercase hex digits: ${key}`);
  return Uint8Array.from(Buffer.from(key.slice(2), 'hex'));
}
