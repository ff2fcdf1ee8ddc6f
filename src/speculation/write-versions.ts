/**
 * When each account and slot of the committed state was last written, counted in
 * commits (WorldState.apply). A speculative run taken at version v may hold only if
 * nothing it read was written after v: the rerun waves use this to tell, without the
 * full check, which later frames are already stale (rerun-wave.ts). It only predicts;
 * validate.ts still decides every commit.
 */
export class WriteVersions {
  /** Commits so far. */
  private current = 0;
  /** Balance, nonce or code; deletion too. */
  private readonly accounts = new Map<string, number>();
  /** Any slot of the account, or a wipe of its storage. */
  private readonly storageAny = new Map<string, number>();
  private readonly wipes = new Map<string, number>();
  private readonly slots = new Map<string, Map<bigint, number>>();

  get now(): number {
    return this.current;
  }

  /** Starts the next commit's marks. */
  tick(): void {
    this.current++;
  }

  account(addr: string): void {
    this.accounts.set(addr, this.current);
  }

  slot(addr: string, slot: bigint): void {
    let m = this.slots.get(addr);
    if (!m) this.slots.set(addr, (m = new Map()));
    m.set(slot, this.current);
    this.storageAny.set(addr, this.current);
  }

  wipe(addr: string): void {
    this.wipes.set(addr, this.current);
    this.storageAny.set(addr, this.current);
  }

  accountSince(addr: string, v: number): boolean {
    return (this.accounts.get(addr) ?? 0) > v;
  }

  slotSince(addr: string, slot: bigint, v: number): boolean {
    return (this.slots.get(addr)?.get(slot) ?? 0) > v || (this.wipes.get(addr) ?? 0) > v;
  }

  storageSince(addr: string, v: number): boolean {
    return (this.storageAny.get(addr) ?? 0) > v;
  }
}
