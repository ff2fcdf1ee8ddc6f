/**
 * When each account's storage was last written (a slot, or a wipe), counted in commits
 * (WorldState.apply). WorldState.entries() merges an account's storage for a GPU
 * snapshot again only when it changed since the last merge: each rerun wave snapshots
 * the committed state.
 */
export class WriteVersions {
  /** Commits so far. */
  private current = 0;
  private readonly storageAny = new Map<string, number>();

  get now(): number {
    return this.current;
  }

  /** Starts the next commit's marks. */
  tick(): void {
    this.current++;
  }

  /** The account's storage changed in this commit. */
  storage(addr: string): void {
    this.storageAny.set(addr, this.current);
  }

  storageSince(addr: string, v: number): boolean {
    return (this.storageAny.get(addr) ?? 0) > v;
  }
}
