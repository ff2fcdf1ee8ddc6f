import type { AccountState } from './access-sets.js';
import type { StateReader } from './world-state.js';

/**
 * Accounts changed on top of a state, without touching it: the host's transaction
 * rules build the state a frame starts from (sender charged, authorizations applied,
 * value moved) as overlays on the committed state, read through them, and commit the
 * changes of the layer that stands once the frame's outcome is known. Storage is read
 * through: nothing before a frame writes a slot.
 */
export class AccountOverlay implements StateReader {
  private readonly changed = new Map<string, AccountState | null>();

  constructor(private readonly base: StateReader) {}

  account(addr: string): AccountState | undefined {
    const c = this.changed.get(addr);
    if (c !== undefined) return c ?? undefined;
    return this.base.account(addr);
  }

  storage(addr: string, slot: bigint): bigint {
    return this.base.storage(addr, slot);
  }

  storageEmpty(addr: string): boolean {
    return this.base.storageEmpty(addr);
  }

  set(addr: string, account: AccountState | null): void {
    this.changed.set(addr, account);
  }

  /** A layer on top of this one. */
  layer(): AccountOverlay {
    return new AccountOverlay(this);
  }

  /** Every account changed in this layer and the overlays beneath it, the topmost value of each. */
  changes(): [string, AccountState | null][] {
    const below = this.base instanceof AccountOverlay ? this.base.changes() : [];
    const merged = new Map(below);
    for (const [a, v] of this.changed) merged.set(a, v);
    return [...merged];
  }
}
