import type { AccountRead, TxReads } from './access-sets.js';
import type { WorldState } from './world-state.js';
import { hexOf } from '../primitives/hex-of.js';
import type { Prelude } from './prelude.js';
import type { WaveFrame } from './wave.js';

/**
 * Where speculative runs are judged: each read of a speculative run against the
 * committed state, just before the run would commit.
 */

/**
 * Whether a frame the GPU ran speculatively is the frame the transaction starts now,
 * and saw the state it would see now. Its inputs other than the code are functions of
 * the transaction and the block, so the code is compared (by the source's key); every
 * account field and slot the kernel read from the snapshot (or from the call's
 * overrides, which it reads first) is compared with the state
 * as the frame starts (after the sender paid, authorizations applied, value moved),
 * across every frame the call entered; the balance only of accounts whose balance the
 * run read, and of those whose balance it only checked, that it is at least what the
 * checks passed with (wave.ts: AccountSeen).
 */
export function frameHolds(frame: WaveFrame, p: Prelude): boolean {
  if (frame.source.key !== p.source.key) return false;
  // The accounts the frames changed too: their final state was computed from the
  // snapshot's (a failed balance check writes nothing, so the kernel marks it a read).
  for (const [addr, then] of frame.seen) {
    const now = p.atStart.account(addr);
    if (!then || !now) {
      if (then || now) return false;
      continue;
    }
    if (then.nonce !== now.nonce || Buffer.compare(then.codeHash, now.codeHash) !== 0) return false;
    // A balance the run did not read may differ (what it credited is a delta, settle.ts),
    // as long as the account is as empty or not as it was (a value call's new-account gas).
    if (then.balanceRead ? then.balance !== now.balance : (then.balance === 0n) !== (now.balance === 0n)) return false;
    // A balance only checked (a value call the account made) needs to be at least what the checks passed with.
    if (then.atLeast !== undefined && now.balance < then.atLeast) return false;
  }
  for (const read of frame.result.storageReads) if (p.atStart.storage(hexOf(read.address), read.slot) !== read.value) return false;
  // A create's collision check read whether the address has storage (EIP-7610).
  for (const [addr, empty] of frame.emptySeen) if (empty !== p.atStart.storageEmpty(addr)) return false;
  return true;
}

/** Whether a CPU worker's run saw the committed state: every account and slot it read first is what the state holds now. */
export function runHolds(world: WorldState, reads: TxReads): boolean {
  for (const [addr, seen] of reads.accounts) if (!sameAccount(seen, world.readAccount(addr))) return false;
  for (const [addr, slot, value] of reads.storage) if (world.storage(addr, slot) !== value) return false;
  return true;
}

function sameAccount(a: AccountRead | null, b: AccountRead | null): boolean {
  if (a === null || b === null) return a === b;
  return a.nonce === b.nonce && a.balance === b.balance && a.storageEmpty === b.storageEmpty && Buffer.compare(a.codeHash, b.codeHash) === 0;
}
