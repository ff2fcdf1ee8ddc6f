import { ServiceError } from '../errors/service-error.js';
import { bytesToBigint } from '../primitives/hex.js';
import { addressKey, decodeAccount, UNDO_ACCOUNT, UNDO_SLOT, undoKey, type AccountRecord } from './records.js';
import type { ChainStore, StoreWriter } from './store.js';

/**
 * The reverse diffs: each block's accounts and slots as they were before it, kept for
 * the rollback window (the last `depth` blocks, none at or below the finalized block).
 * Rolling back replays them newest first and drops the blocks; the trie needs nothing,
 * since its nodes are never deleted and the head's root goes back with the head.
 */

/** The lowest block the state can be rolled back to, or read at. */
export function windowStart(store: ChainStore, head: bigint, finalized: bigint): bigint {
  let n = head;
  while (n > finalized && store.hasUndo(n)) n--;
  return n;
}

/** Checks a rollback target and writes the rollback into `w`: the state as of block `target`, blocks after it gone. */
export function rollbackTo(store: ChainStore, w: StoreWriter, head: bigint, target: bigint): void {
  const finalized = store.finalized()!;
  if (target > head) throw new ServiceError('BLOCK_NOT_FOUND', [target, head], [{ path: '/number', message: `the head is block ${head}` }]);
  if (target < finalized) throw new ServiceError('ROLLBACK_BELOW_FINALIZED', [target, finalized], [{ path: '/number', message: `at least ${finalized}` }]);
  const lowest = windowStart(store, head, finalized);
  if (target < lowest) throw new ServiceError('ROLLBACK_BEYOND_WINDOW', [target, lowest], [{ path: '/number', message: `at least ${lowest}` }]);
  for (let n = head; n > target; n--) {
    for (const [key, before] of store.undoEntries(n)) {
      const addr = key.subarray(9, 29);
      if (key[8] === UNDO_ACCOUNT) w.account(addr, before.length === 0 ? undefined : decodeAccount(before));
      else if (key[8] === UNDO_SLOT) w.slot(addr, bytesToBigint(key.subarray(29)), bytesToBigint(before));
    }
    w.dropBlock(n);
  }
  w.head(target);
}

/** What a reverse diff holds for one account and some of its slots, as of block `at` (undefined: the head's value stands). */
export function stateAt(store: ChainStore, addr: string, slots: bigint[], at: bigint, head: bigint): { account?: AccountRecord | null; slots: Map<bigint, bigint> } {
  const finalized = store.finalized()!;
  const lowest = windowStart(store, head, finalized);
  if (at > head) throw new ServiceError('BLOCK_NOT_FOUND', [at, head]);
  if (at < lowest) throw new ServiceError('STATE_NOT_AVAILABLE', [at, lowest, head]);
  const key = addressKey(addr);
  let account: AccountRecord | null | undefined;
  const out = new Map<bigint, bigint>();
  // The first block after `at` that changed a location holds its value as of `at`.
  for (let n = at + 1n; n <= head; n++) {
    if (account === undefined) {
      const before = store.undo(undoKey(n, UNDO_ACCOUNT, key));
      if (before) account = before.length === 0 ? null : decodeAccount(before);
    }
    for (const slot of slots) {
      if (out.has(slot)) continue;
      const before = store.undo(undoKey(n, UNDO_SLOT, key, slot));
      if (before) out.set(slot, bytesToBigint(before));
    }
  }
  return { account, slots: out };
}

/** The blocks' reverse diffs at and below `n`, no longer needed once `n` is final. */
export function pruneUndoTo(store: ChainStore, w: StoreWriter, n: bigint, from: bigint): void {
  for (let b = n; b > from && store.hasUndo(b); b--) w.dropUndo(b);
}
