import { Address, bytesToBigInt } from '@ethereumjs/util';
import { slotKey, type RecordingStateManager } from '../chain/recording-state.js';
import type { Account } from '../model/shapes.js';
import { hexToBytes } from '../wire/hex.js';
import type { GpuAccountState, GpuStateSnapshot } from './call-executor.js';

/**
 * The world as the state manager holds it right now, in the executor's form. Every
 * account that exists is either in the batch's pre-state or was written since, and
 * every non-zero slot is a pre-state slot or a written one, so reading those
 * locations gives the complete state: absent accounts are empty, absent slots zero.
 */
export async function snapshotState(sm: RecordingStateManager, pre: Map<string, Account>): Promise<GpuStateSnapshot> {
  const slotsByAddress = new Map<string, Set<bigint>>();
  for (const [addr, a] of pre) slotsByAddress.set(addr, new Set(a.storage.keys()));
  for (const [addr, written] of sm.written) {
    const slots = slotsByAddress.get(addr) ?? new Set<bigint>();
    for (const s of written) slots.add(s);
    slotsByAddress.set(addr, slots);
  }

  const accounts = new Map<string, GpuAccountState>();
  for (const [addr, slots] of slotsByAddress) {
    const address = new Address(hexToBytes(addr));
    const account = await sm.getAccount(address);
    if (!account) continue;
    const storage = new Map<bigint, bigint>();
    for (const slot of slots) {
      const value = bytesToBigInt(await sm.getStorage(address, slotKey(slot)));
      if (value !== 0n) storage.set(slot, value);
    }
    accounts.set(addr, {
      balance: account.balance,
      nonce: account.nonce,
      code: await sm.getCode(address),
      codeHash: account.codeHash,
      storage,
    });
  }
  return { accounts };
}
