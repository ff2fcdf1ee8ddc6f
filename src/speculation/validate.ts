import type { GpuStateSnapshot } from '../gpu/abi.js';
import { bytesToHex } from '../primitives/hex.js';
import type { Prelude } from './prelude.js';
import type { WaveFrame } from './wave.js';

/**
 * Whether a frame the GPU ran speculatively is the frame the transaction starts now,
 * and saw the state it would see now. Its inputs other than the code are functions of
 * the transaction and the block, so the code is compared (by the source's key); every
 * account field and slot the kernel read from the snapshot is compared with the state
 * as the frame starts (after the sender paid, authorizations applied, value moved).
 * CPU worker runs are checked by WorldState.stillHolds against their recorded reads.
 */
export function frameHolds(frame: WaveFrame, snapshot: GpuStateSnapshot, p: Prelude): boolean {
  if (frame.source.key !== p.source.key) return false;
  for (const a of frame.result.accountReads) {
    const addr = bytesToHex(a);
    const then = snapshot.accounts.get(addr);
    const now = p.atStart.account(addr);
    if (!then || !now) {
      if (then || now) return false;
      continue;
    }
    if (then.balance !== now.balance || then.nonce !== now.nonce || Buffer.compare(then.codeHash, now.codeHash) !== 0) return false;
  }
  for (const read of frame.result.storageReads) if (p.atStart.storage(bytesToHex(read.address), read.slot) !== read.value) return false;
  return true;
}
