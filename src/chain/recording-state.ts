import { Caches, MerkleStateManager } from '@ethereumjs/statemanager';
import type { Common } from '@ethereumjs/common';
import { Account as EthAccount, Address, bigIntToBytes, setLengthLeft } from '@ethereumjs/util';
import type { Account } from '../model/shapes.js';
import { hexToBytes } from '../primitives/hex.js';

/**
 * A Merkle state manager that remembers which accounts and storage slots were
 * written (reverted writes included). The state diff compares exactly these
 * locations, plus the pre-state, before and after.
 */
export class RecordingStateManager extends MerkleStateManager {
  /** lowercase 0x address -> written slots (as bigint) */
  readonly written = new Map<string, Set<bigint>>();
  /**
   * Writes since the last takeDirty(): lets a copy of the state be brought up to date
   * without a full reread. `storageCleared` (account deleted or storage cleared) means
   * every slot of the account must be read again.
   */
  private dirty = new Map<string, { slots: Set<bigint>; storageCleared: boolean }>();
  /**
   * Writes since each open checkpoint. A revert restores values without writing them,
   * so what the reverted part wrote is marked dirty again: a copy brought up to date
   * in between (a GPU rerun inside the transaction) must read those values back.
   */
  private writeLog: { k: string; slot?: bigint; storageCleared: boolean }[] = [];
  private marks: number[] = [];

  constructor(common: Common) {
    super({ common, caches: new Caches() });
  }

  override async checkpoint(): Promise<void> {
    this.marks.push(this.writeLog.length);
    return super.checkpoint();
  }

  override async commit(): Promise<void> {
    const mark = this.marks.pop();
    if (this.marks.length === 0 && mark !== undefined) this.writeLog.length = 0;
    return super.commit();
  }

  override async revert(): Promise<void> {
    const mark = this.marks.pop() ?? 0;
    await super.revert();
    for (const w of this.writeLog.splice(mark)) this.markDirty(w.k, w.slot, w.storageCleared);
  }

  private markDirty(k: string, slot: bigint | undefined, storageCleared: boolean): void {
    let d = this.dirty.get(k);
    if (!d) this.dirty.set(k, (d = { slots: new Set(), storageCleared: false }));
    if (slot !== undefined) d.slots.add(slot);
    if (storageCleared) d.storageCleared = true;
  }

  private touch(address: Address, slot?: bigint, storageCleared = false): void {
    const k = address.toString();
    if (this.marks.length > 0) this.writeLog.push({ k, slot, storageCleared });
    let s = this.written.get(k);
    if (!s) this.written.set(k, (s = new Set()));
    if (slot !== undefined) s.add(slot);
    this.markDirty(k, slot, storageCleared);
  }

  /** The accounts and slots written since the previous call, in write order per account. */
  takeDirty(): Map<string, { slots: Set<bigint>; storageCleared: boolean }> {
    const d = this.dirty;
    this.dirty = new Map();
    return d;
  }

  override async putAccount(address: Address, account: EthAccount | undefined): Promise<void> {
    this.touch(address);
    return super.putAccount(address, account);
  }

  override async deleteAccount(address: Address): Promise<void> {
    this.touch(address, undefined, true);
    // MerkleStateManager's storage cache can still flush slots written earlier in the
    // block into the account's trie after the deletion, so an account re-created at the
    // same address (a transfer to a self-destructed contract) would find its old storage.
    // Emptying the storage first, while the account exists, leaves nothing to flush.
    if ((await super.getAccount(address)) !== undefined) await super.clearStorage(address);
    return super.deleteAccount(address);
  }

  override async putCode(address: Address, value: Uint8Array): Promise<void> {
    this.touch(address);
    return super.putCode(address, value);
  }

  override async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    this.touch(address, BigInt(`0x${Buffer.from(key).toString('hex') || '0'}`));
    return super.putStorage(address, key, value);
  }

  override async clearStorage(address: Address): Promise<void> {
    this.touch(address, undefined, true);
    return super.clearStorage(address);
  }
}

export const slotKey = (slot: bigint): Uint8Array => setLengthLeft(bigIntToBytes(slot), 32);

/** Writes the batch's pre-state; the recorded write set is cleared afterwards. */
export async function loadPreState(sm: RecordingStateManager, pre: Map<string, Account>): Promise<void> {
  for (const [addr, a] of pre) {
    const address = new Address(hexToBytes(addr));
    await sm.putAccount(address, new EthAccount(a.nonce, a.balance));
    if (a.code.length > 0) await sm.putCode(address, a.code);
    for (const [slot, value] of a.storage) {
      if (value !== 0n) await sm.putStorage(address, slotKey(slot), bigIntToBytes(value));
    }
  }
  await sm.checkpoint();
  await sm.commit();
  sm.written.clear();
  sm.takeDirty();
}
