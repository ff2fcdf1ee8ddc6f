import { Address, bytesToBigInt, equalsBytes } from '@ethereumjs/util';
import type { Account, DiffAccount, DiffStorage, StateDiff } from '../model/shapes.js';
import { hexToBytes } from '../primitives/hex.js';
import { sortByBigintKey } from '../primitives/sort-by-bigint.js';
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

    const preCode = before?.code ?? EMPTY_CODE;
    // Built field by field: ten thousand accounts a batch is common.
    const preView: DiffAccount = { balance: before?.balance ?? 0n };
    if (before && before.nonce !== 0n) preView.nonce = before.nonce;
    if (preCode.length > 0) preView.code = preCode;

    if (!after) {
      // Deleted: keep every non-zero slot it had.
      const storage = sortedStorage([...(before!.storage.entries())]);
      if (storage) preView.storage = storage;
      diff.pre[addr] = preView;
      continue;
    }

    const post: DiffAccount = {};
    if (after.balance !== (before?.balance ?? 0n)) post.balance = after.balance;
    if (after.nonce !== (before?.nonce ?? 0n)) post.nonce = after.nonce;
    const postCode = after.code;
    if (!equalsBytes(postCode, preCode)) post.code = postCode;

    const slots: SlotChanges = { addr, before: before?.storage, pre: [], post: [] };
    // The written slots, then the starting ones not written (a wiped and remade account's):
    // no set of both is built, where a token's pre-state may hold tens of thousands.
    const written = sm.written.get(addr);
    for (const slot of written ?? NO_SLOTS) {
      const later = compareSlot(sm, slots, slot);
      if (later) await later;
    }
    if (before) {
      for (const slot of before.storage.keys()) {
        const later = written?.has(slot) ? undefined : compareSlot(sm, slots, slot);
        if (later) await later;
      }
    }
    const { pre: preSlots, post: postSlots } = slots;
    const preStorage = sortedStorage(preSlots);
    const postStorage = sortedStorage(postSlots);
    if (postStorage) post.storage = postStorage;

    const changed = post.balance !== undefined || post.nonce !== undefined || post.code !== undefined || preSlots.length + postSlots.length > 0;
    if (changed) {
      if (preStorage) preView.storage = preStorage;
      if (before) diff.pre[addr] = preView;
      diff.post[addr] = post;
    } else if (!before) {
      diff.post[addr] = {};
    }
  }
  return diff;
}

const NO_SLOTS: ReadonlySet<bigint> = new Set();

/** One account's changed slots as they are found: the values before (non-zero) and after (non-zero). */
interface SlotChanges {
  addr: string;
  before: Map<bigint, bigint> | undefined;
  pre: [bigint, bigint][];
  post: [bigint, bigint][];
}

/** Compares one slot now with before; a promise only where the source's answer is one. No closure per account: a batch has thousands. */
function compareSlot(sm: DiffSource, c: SlotChanges, slot: bigint): Promise<void> | undefined {
  const now = sm.storage(c.addr, slot);
  if (typeof now !== 'bigint') return now.then((v) => recordSlot(c, slot, v));
  recordSlot(c, slot, now);
  return undefined;
}

function recordSlot(c: SlotChanges, slot: bigint, now: bigint): void {
  const was = c.before?.get(slot) ?? 0n;
  if (was === now) return;
  if (was !== 0n) c.pre.push([slot, was]);
  if (now !== 0n) c.post.push([slot, now]);
}

/** Slots in ascending order, as the wire lists them. */
function sortedStorage(entries: [bigint, bigint][]): DiffStorage | undefined {
  return entries.length === 0 ? undefined : new Map(sortByBigintKey(entries));
}
