import { ServiceError } from '../errors/service-error.js';
import { addressKey, type AccountRecord } from './records.js';
import type { ChainStore, StoreWriter } from './store.js';
import { equal } from './trie.js';

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
    const diff = store.undo(n)!;
    for (const [addr, before] of diff.accounts) w.account(addr, before);
    for (const [addr, slot, before] of diff.slots) w.slot(addr, slot, before);
    w.dropBlock(n);
  }
  w.head(target);
}

/** What the reverse diffs hold for one account and some of its slots, as of block `at` (absent: the head's value stands; null: the account did not exist). */
export function stateAt(store: ChainStore, addr: string, slots: bigint[], at: bigint, head: bigint): { account?: AccountRecord | null; slots: Map<bigint, bigint> } {
  const finalized = store.finalized()!;
  const lowest = windowStart(store, head, finalized);
  if (at > head) throw new ServiceError('BLOCK_NOT_FOUND', [at, head]);
  if (at < lowest) throw new ServiceError('STATE_NOT_AVAILABLE', [at, lowest, head]);
  const key = addressKey(addr);
  const wanted = new Set(slots);
  let account: AccountRecord | null | undefined;
  const out = new Map<bigint, bigint>();
  // The first block after `at` that changed a location holds its value as of `at`.
  for (let n = at + 1n; n <= head; n++) {
    const diff = store.undo(n)!;
    if (account === undefined) {
      const hit = diff.accounts.find(([a]) => equal(a, key));
      if (hit) account = hit[1] ?? null;
    }
    for (const [a, slot, before] of diff.slots) if (wanted.has(slot) && !out.has(slot) && equal(a, key)) out.set(slot, before);
  }
  return { account, slots: out };
}

/** The blocks' reverse diffs at and below `n`, no longer needed once `n` is final. */
export function pruneUndoTo(store: ChainStore, w: StoreWriter, n: bigint, from: bigint): void {
  for (let b = n; b > from && store.hasUndo(b); b--) w.dropUndo(b);
}
