import { Address, bytesToBigInt, equalsBytes } from '@ethereumjs/util';
import type { Account, DiffAccountShape, StateDiff } from '../model/shapes.js';
import { hexToBytes, wordToHex } from '../primitives/hex.js';
import { slotKey, type RecordingStateManager } from './recording-state.js';

/** The post-state as the diff reads it, and the locations written on the way there. */
export interface DiffSource {
  /** Lowercase 0x address -> written slots: a superset of what changed. */
  written: Map<string, Set<bigint>>;
  /** Either answer may be immediate: the engines' committed state answers without a promise per slot. */
  account(addr: string): MaybePromise<{ balance: bigint; nonce: bigint; code: Uint8Array } | undefined>;
  storage(addr: string, slot: bigint): MaybePromise<bigint>;
}

export function recordingDiffSource(sm: RecordingStateManager): DiffSource {
  return {
    written: sm.written,
    async account(addr) {
      const address = new Address(hexToBytes(addr));
      const a = await sm.getAccount(address);
      return a && { balance: a.balance, nonce: a.nonce, code: a.isContract() ? await sm.getCode(address) : EMPTY_CODE };
    },
    storage: async (addr, slot) => bytesToBigInt(await sm.getStorage(new Address(hexToBytes(addr)), slotKey(slot))),
  };
}

type MaybePromise<T> = T | Promise<T>;
type DiffAccount = DiffAccountShape<bigint, Uint8Array>;
const EMPTY_CODE = new Uint8Array();

/**
 * The batch's state diff, by geth's prestateTracer diffMode rules:
 * - only accounts whose balance, nonce, code or storage changed appear;
 * - `pre` holds the account as it was (balance always, nonce if non-zero, code if any,
 *   and only the changed slots that were non-zero); accounts created by the batch are
 *   not in `pre`;
 * - `post` holds only the changed fields, and changed slots that are non-zero;
 * - a deleted account (self-destruct, EIP-161) is in `pre` and absent from `post`.
 * Where geth would print nothing, one case differs: an account the batch created with
 * all-empty fields (pre-EIP-161 touch) is shown as `post: {}`, so that pre + diff
 * always rebuilds the post-state. Addresses and slots are sorted, so equal states give
 * byte-equal diffs.
 */
export async function computeStateDiff(sm: DiffSource, pre: Map<string, Account>): Promise<StateDiff> {
  const addresses = new Set<string>([...pre.keys(), ...sm.written.keys()]);
  const diff: StateDiff = { pre: {}, post: {} };
  for (const addr of [...addresses].sort()) {
    const before = pre.get(addr);
    const read = sm.account(addr);
    const after = read instanceof Promise ? await read : read;
    if (!before && !after) continue;

    const written = sm.written.get(addr);
    let slots: Iterable<bigint> = written ?? NO_SLOTS;
    if (before && before.storage.size > 0) {
      const both = new Set(before.storage.keys());
      for (const slot of written ?? NO_SLOTS) both.add(slot);
      slots = both;
    }
    const preCode = before?.code ?? EMPTY_CODE;
    const preView: DiffAccount = {
      balance: before?.balance ?? 0n,
      ...(before && before.nonce !== 0n ? { nonce: before.nonce } : {}),
      ...(preCode.length > 0 ? { code: preCode } : {}),
    };

    if (!after) {
      // Deleted: keep every non-zero slot it had.
      const storage = sortedStorage([...(before!.storage.entries())]);
      diff.pre[addr] = { ...preView, ...(storage ? { storage } : {}) };
      continue;
    }

    const post: DiffAccount = {};
    if (after.balance !== (before?.balance ?? 0n)) post.balance = after.balance;
    if (after.nonce !== (before?.nonce ?? 0n)) post.nonce = after.nonce;
    const postCode = after.code;
    if (!equalsBytes(postCode, preCode)) post.code = postCode;

    const preSlots: [bigint, bigint][] = [];
    const postSlots: [bigint, bigint][] = [];
    for (const slot of slots) {
      const was = before?.storage.get(slot) ?? 0n;
      const value = sm.storage(addr, slot);
      const now = typeof value === 'bigint' ? value : await value;
      if (was === now) continue;
      if (was !== 0n) preSlots.push([slot, was]);
      if (now !== 0n) postSlots.push([slot, now]);
    }
    const preStorage = sortedStorage(preSlots);
    const postStorage = sortedStorage(postSlots);
    if (postStorage) post.storage = postStorage;

    const changed = post.balance !== undefined || post.nonce !== undefined || post.code !== undefined || preSlots.length + postSlots.length > 0;
    if (changed) {
      if (before) diff.pre[addr] = { ...preView, ...(preStorage ? { storage: preStorage } : {}) };
      diff.post[addr] = post;
    } else if (!before) {
      diff.post[addr] = {};
    }
  }
  return diff;
}

const NO_SLOTS: ReadonlySet<bigint> = new Set();

/** Slots in order, as 0x + 64 hex digits, their values 32-byte views of one buffer. */
function sortedStorage(entries: [bigint, bigint][]): Record<string, Uint8Array> | undefined {
  if (entries.length === 0) return undefined;
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const values = Buffer.alloc(32 * entries.length);
  const out: Record<string, Uint8Array> = {};
  entries.forEach(([k, v], i) => {
    values.write(v.toString(16).padStart(64, '0'), 32 * i, 32, 'hex');
    out[wordToHex(k)] = new Uint8Array(values.buffer, values.byteOffset + 32 * i, 32);
  });
  return out;
}
