import { Address, bytesToBigInt } from '@ethereumjs/util';
import { slotKey, type RecordingStateManager } from '../chain/recording-state.js';
import type { Account } from '../model/shapes.js';
import { hexToBytes } from '../primitives/hex.js';
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

/**
 * A snapshot kept current by rereading only what was written since it was last
 * brought up to date, so rerunning frames late in a long, conflicting batch does not
 * reread the whole state each time. `base` is never modified: the wave's results are
 * validated against it.
 */
export class LiveSnapshot {
  private live: GpuStateSnapshot | undefined;
  /** Every slot ever present or written per account, as a full reread would visit them. */
  private readonly known = new Map<string, Set<bigint>>();

  /** `base` must be the state as of now: writes from here on are tracked. */
  constructor(
    private readonly sm: RecordingStateManager,
    private readonly base: GpuStateSnapshot,
  ) {
    sm.takeDirty();
    for (const [addr, a] of base.accounts) this.known.set(addr, new Set(a.storage.keys()));
  }

  /** Accounts plus storage slots in the starting state: what one upload of it costs. */
  entries(): number {
    let n = this.base.accounts.size;
    for (const a of this.base.accounts.values()) n += a.storage.size;
    return n;
  }

  async current(): Promise<GpuStateSnapshot> {
    this.live ??= {
      accounts: new Map([...this.base.accounts].map(([a, s]) => [a, { ...s, storage: new Map(s.storage) }])),
    };
    for (const [addr, { slots, storageCleared }] of this.sm.takeDirty()) {
      const known = this.known.get(addr) ?? new Set<bigint>();
      for (const slot of slots) known.add(slot);
      this.known.set(addr, known);
      const address = new Address(hexToBytes(addr));
      const account = await this.sm.getAccount(address);
      if (!account) {
        this.live.accounts.delete(addr);
        continue;
      }
      const prev = this.live.accounts.get(addr);
      const storage = prev?.storage ?? new Map<bigint, bigint>();
      // After a deletion, a re-creation or a storage clear, what the state manager serves for
      // untouched slots may have changed: read back every known slot, as a full reread would.
      const toRead = storageCleared || !prev ? known : slots;
      for (const slot of toRead) {
        const value = bytesToBigInt(await this.sm.getStorage(address, slotKey(slot)));
        if (value === 0n) storage.delete(slot);
        else storage.set(slot, value);
      }
      const sameCode = prev !== undefined && Buffer.from(prev.codeHash).equals(Buffer.from(account.codeHash));
      this.live.accounts.set(addr, {
        balance: account.balance,
        nonce: account.nonce,
        code: sameCode ? prev.code : await this.sm.getCode(address),
        codeHash: account.codeHash,
        storage,
      });
    }
    return this.live;
  }
}
