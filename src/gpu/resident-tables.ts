import type { Fork } from '../model/fork.js';
import type { GpuAccountState, GpuStateSnapshot } from './abi.js';
import { BlobBuilder } from './blob.js';
import { codePlacer } from './code-placer.js';
import { buildBaseTables, putAccount, putSlot, TableFull, type BaseTables, type CodePlacer } from './state-tables.js';

/**
 * The state tables of one lineage of snapshots, kept between dispatches. The waves of
 * one batch snapshot the same committed state plus what changed since (wave.ts:
 * snapshotWorld names its WorldState as the lineage), so rebuilding the whole tables for
 * every wave repeats work: here only the accounts whose object changed are rewritten,
 * and only the slots whose value changed. An account object handed over in a lineage's
 * snapshot is never changed afterwards (a change makes a new object), so the same object
 * means the same account; nor is the snapshot's map of accounts, which is kept as it is
 * rather than copied (a copy of every account each wave).
 *
 * Code and JUMPDEST bitmaps live in a blob prefix of the lineage's own, which only grows,
 * so entries keep pointing at the right words; every dispatch's blob starts with it.
 */
export class ResidentTables {
  private readonly code = new BlobBuilder();
  readonly place: CodePlacer;
  private base?: BaseTables;
  private last?: GpuStateSnapshot;
  /** The accounts the tables hold, as the last snapshot gave them. */
  private accounts: ReadonlyMap<string, GpuAccountState> = new Map();
  /** How often the tables were built whole and patched, and how many accounts were written: for tests. */
  readonly counts = { builds: 0, patches: 0, accountsWritten: 0 };

  constructor(readonly fork: Fork) {
    this.place = codePlacer(this.code, fork);
  }

  /** The tables for `snapshot`: patched from the last snapshot's where that is cheaper, else built whole. */
  update(snapshot: GpuStateSnapshot): BaseTables {
    // A wave's groups, and its rounds of host answers, dispatch the same snapshot.
    if (this.base && snapshot === this.last) return this.base;
    this.last = snapshot;
    const changed: [string, GpuAccountState][] = [];
    let kept = 0;
    for (const entry of snapshot.accounts) {
      const was = this.accounts.get(entry[0]);
      if (was === entry[1]) kept++;
      else {
        if (was) kept++;
        changed.push(entry);
      }
    }
    // A removed account cannot leave an open-addressing table (its probe chains would
    // break): such a snapshot, or one that changes most accounts, is built whole.
    const removed = kept < this.accounts.size;
    if (this.base && !removed && 4 * changed.length <= 3 * snapshot.accounts.size) {
      if (changed.length === 0) return this.base;
      try {
        this.base.patches++;
        this.patch(this.base, changed);
        this.accounts = snapshot.accounts;
        this.counts.patches++;
        this.counts.accountsWritten += changed.length;
        return this.base;
      } catch (e) {
        if (!(e instanceof TableFull)) throw e;
      }
    }
    // Room for a quarter more accounts and slots, so that later patches rarely overflow.
    this.base = buildBaseTables(snapshot, this.place, Math.ceil(snapshot.accounts.size / 4) + 64);
    this.accounts = snapshot.accounts;
    this.counts.builds++;
    this.counts.accountsWritten += snapshot.accounts.size;
    return this.base;
  }

  /** The code prefix every dispatch's blob starts with. */
  codeWords(): Uint32Array {
    return this.code.peek();
  }

  private patch(base: BaseTables, changed: readonly [string, GpuAccountState][]): void {
    for (const [addr, a] of changed) {
      const was = this.accounts.get(addr);
      putAccount(base, addr, a, this.place);
      const tag = base.tags.get(addr)!;
      if (was?.storage === a.storage) continue;
      const before = was?.storage;
      for (const [slot, v] of a.storage) if ((before?.get(slot) ?? 0n) !== v) putSlot(base, tag, slot, v, addr);
      if (before) for (const [slot, v] of before) if (v !== 0n && !a.storage.has(slot)) putSlot(base, tag, slot, 0n, addr);
    }
  }
}

const lineages = new WeakMap<object, ResidentTables>();

/** The resident tables of `lineage` for `fork` (a lineage that changes fork starts afresh). */
export function residentTables(lineage: object, fork: Fork): ResidentTables {
  let r = lineages.get(lineage);
  if (!r || r.fork !== fork) lineages.set(lineage, (r = new ResidentTables(fork)));
  return r;
}
