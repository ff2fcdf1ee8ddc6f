/** A slot of an account: the address as 0x-hex, the slot as a number. */
export interface SlotKey {
  addr: string;
  slot: bigint;
}

/**
 * A set of accounts and storage slots. A slot is keyed by its address, then by the
 * slot itself: a string key per slot (`addr:slot`) cost about 2 µs to make, a decimal
 * conversion of a 256-bit number, and a frame of a swap reads dozens of slots.
 */
export class StateKeySet {
  private readonly accounts = new Set<string>();
  private readonly slots = new Map<string, Set<bigint>>();

  addAccount(addr: string): void {
    this.accounts.add(addr);
  }

  addSlot(addr: string, slot: bigint): void {
    let s = this.slots.get(addr);
    if (!s) this.slots.set(addr, (s = new Set()));
    s.add(slot);
  }

  hasAccount(addr: string): boolean {
    return this.accounts.has(addr);
  }

  hasSlot(addr: string, slot: bigint): boolean {
    return this.slots.get(addr)?.has(slot) ?? false;
  }
}
