import { keccak_256 } from '@noble/hashes/sha3.js';
import type { BlobBuilder } from './blob.js';
import type { GpuAccountState, GpuStateSnapshot } from './abi.js';
import { ACCOUNT, SLOT } from './layout.js';
import { hashAddress, hashSlot, putAddress, putBytesAsU256, putU256 } from './words.js';

/**
 * The snapshot as the kernel reads it (kernels/interpreter/state.wgsl): an account
 * table and a storage table, open addressing with linear probing, at most half full,
 * in one u32 array. Storage is uploaded only for the accounts some call executes: a
 * call reads no other account's storage.
 */
export interface StateTables {
  readonly words: Uint32Array;
  readonly accountsAt: number;
  readonly accountsMask: number;
  readonly slotsAt: number;
  readonly slotsMask: number;
  /** Account table index by 0x-lowercase address. */
  readonly index: ReadonlyMap<string, number>;
}

/**
 * EXTCODE* of code starting 0xEF00 see the two bytes 0xEF00 and their hash: the
 * reference (@ethereumjs/evm, opcodes/functions.ts) treats such code as EOF in every fork.
 */
const EOF_PREFIX = new Uint8Array([0xef, 0x00]);
const EOF_HASH = keccak_256(EOF_PREFIX);

const isEof = (code: Uint8Array) => code.length >= 2 && code[0] === 0xef && code[1] === 0x00;

/** The reference's EIP-161 emptiness: no nonce, no balance, no code. */
const isEmpty = (a: GpuAccountState) => a.nonce === 0n && a.balance === 0n && a.code.length === 0;

function capacity(entries: number): number {
  let n = 2;
  while (n < 2 * entries) n *= 2;
  return n;
}

export function buildStateTables(snapshot: GpuStateSnapshot, executing: ReadonlySet<string>, blob: BlobBuilder): StateTables {
  const accounts = [...snapshot.accounts];
  const accountSlots = capacity(accounts.length);
  let slotCount = 0;
  for (const [key, a] of accounts) if (executing.has(key)) for (const v of a.storage.values()) if (v !== 0n) slotCount++;
  const slotSlots = capacity(slotCount);

  const accountsAt = 0;
  const slotsAt = accountSlots * ACCOUNT.words;
  const words = new Uint32Array(slotsAt + slotSlots * SLOT.words);
  const index = new Map<string, number>();
  const key = new Uint32Array(8);

  for (const [addr, a] of accounts) {
    putAddress(key, 0, addressBytes(addr));
    let i = hashAddress(key, 0) & (accountSlots - 1);
    while (words[accountsAt + i * ACCOUNT.words + ACCOUNT.offset.used] !== 0) i = (i + 1) & (accountSlots - 1);
    const e = accountsAt + i * ACCOUNT.words;
    words[e + ACCOUNT.offset.used] = 1;
    words.set(key.subarray(0, 5), e + ACCOUNT.offset.address);
    putU256(words, e + ACCOUNT.offset.balance, a.balance, `balance of ${addr}`);
    const code = isEof(a.code) ? EOF_PREFIX : a.code;
    if (!isEmpty(a)) putBytesAsU256(words, e + ACCOUNT.offset.extHash, isEof(a.code) ? EOF_HASH : a.codeHash);
    words[e + ACCOUNT.offset.codeLen] = code.length;
    words[e + ACCOUNT.offset.codeAt] = code.length ? blob.sharedBytes(code) : 0;
    index.set(addr, i);
  }

  for (const [addr, a] of accounts) {
    if (!executing.has(addr)) continue;
    const tag = index.get(addr)! + 1;
    for (const [slot, value] of a.storage) {
      if (value === 0n) continue;
      putU256(key, 0, slot, `storage key of ${addr}`);
      let i = hashSlot(tag, key, 0) & (slotSlots - 1);
      while (words[slotsAt + i * SLOT.words + SLOT.offset.account] !== 0) i = (i + 1) & (slotSlots - 1);
      const e = slotsAt + i * SLOT.words;
      words[e + SLOT.offset.account] = tag;
      words.set(key, e + SLOT.offset.key);
      putU256(words, e + SLOT.offset.value, value, `storage value of ${addr}`);
    }
  }
  return { words, accountsAt, accountsMask: accountSlots - 1, slotsAt, slotsMask: slotSlots - 1, index };
}

function addressBytes(key: string): Uint8Array {
  if (!/^0x[0-9a-f]{40}$/.test(key)) throw new RangeError(`snapshot account key must be 0x + 40 lowercase hex digits: ${key}`);
  return Uint8Array.from(Buffer.from(key.slice(2), 'hex'));
}
