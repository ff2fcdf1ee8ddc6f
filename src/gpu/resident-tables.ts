import type { Fork } from '../model/fork.js';
import type { GpuAccountState, GpuStateSnapshot } from './abi.js';
import { BlobBuilder } from './blob.js';
import { codePlacer } from './code-placer.js';
import { keccak256 } from '../primitives/keccak.js';
import { buildBaseTables, hasNonZero, putAccount, putSlot, TableFull, type BaseTables, type CodePlacer } from './state-tables.js';

/**
 * The state tables of one lineage of snapshots, kept between dispatches. The waves of
 * one batch snapshot the same committed state plus what changed since (wave.ts:
 * snapshotWorld names its WorldState as the lineage), so rebuilding the whole tables for
 * every wave repeats work: here only the accounts whose object changed are rewritten,
 * and only the slots whose value changed. An account object handed over in a lineage's
 * snapshot is never changed afterwards (a change makes a new object), so the same object
 * means the same account; nor is the snapshot's map of accounts, which is kept as it is
 * rather than copied (a copy of every account each wave). Tables are built whole only
 * when a snapshot changes most accounts or a patch would fill a table past half.
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
    // The accounts the last snapshot held and this one does not: a rerun wave's overlay
    // predicted them (a new recipient), and the next wave's snapshot lacks them.
    const removed: string[] = [];
    if (kept < this.accounts.size) for (const addr of this.accounts.keys()) if (!snapshot.accounts.has(addr)) removed.push(addr);
    if (this.base && 4 * (changed.length + removed.length) <= 3 * snapshot.accounts.size) {
      try {
        const written = this.patch(this.base, changed, removed);
        // The count names the words: tables no patch wrote need no upload.
        if (written > 0) {
          this.base.patches++;
          this.counts.patches++;
        }
        this.accounts = snapshot.accounts;
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

  /**
   * Writes what changed into the tables: the entries whose fields changed, the slots
   * whose value changed, and removed accounts as empty entries with their slots zeroed
   * (open addressing cannot delete an entry without breaking its probe chains; the kernel
   * reads an entry of zeros as it reads an absent account: no balance, nonce, code, or
   * storage). An account object made anew with the same fields (its storage changed, or
   * a rerun's overlay laid over it and taken off again) keeps its entry: on the nine
   * mainnet blocks EDR runs, most patched accounts were such. Returns how many entries
   * and slots it wrote.
   */
  private patch(base: BaseTables, changed: readonly [string, GpuAccountState][], removed: readonly string[]): number {
    let written = 0;
    for (const [addr, a] of changed) {
      const was = this.accounts.get(addr);
      if (!was || was.balance !== a.balance || was.nonce !== a.nonce || was.code !== a.code || (was.storage !== a.storage && base.storageNonEmpty.get(addr) !== hasNonZero(a.storage))) {
        putAccount(base, addr, a, this.place);
        this.counts.accountsWritten++;
        written++;
      }
      if (was?.storage === a.storage) continue;
      written += this.patchSlots(base, addr, was?.storage, a.storage);
    }
    for (const addr of removed) {
      putAccount(base, addr, ABSENT, this.place);
      this.counts.accountsWritten++;
      written += 1 + this.patchSlots(base, addr, this.accounts.get(addr)!.storage, ABSENT.storage);
    }
    return written;
  }

  /** Writes the slots of `addr` whose value differs between `before` and `after`. */
  private patchSlots(base: BaseTables, addr: string, before: ReadonlyMap<bigint, bigint> | undefined, after: ReadonlyMap<bigint, bigint>): number {
    const tag = base.tags.get(addr)!;
    let written = 0;
    for (const [slot, v] of after) {
      if ((before?.get(slot) ?? 0n) === v) continue;
      putSlot(base, tag, slot, v, addr);
      written++;
    }
    if (before) {
      for (const [slot, v] of before) {
        if (v === 0n || after.has(slot)) continue;
        putSlot(base, tag, slot, 0n, addr);
        written++;
      }
    }
    return written;
  }
}

/** A removed account's entry: every field the kernel reads is zero, as for an account the table does not hold. */
const ABSENT: GpuAccountState = Object.freeze({ balance: 0n, nonce: 0n, code: new Uint8Array(0), codeHash: keccak256(new Uint8Array(0)), storage: new Map<bigint, bigint>() });

const lineages = new WeakMap<object, ResidentTables>();

/** The resident tables of `lineage` for `fork` (a lineage that changes fork starts afresh). */
export function residentTables(lineage: object, fork: Fork): ResidentTables {
  let r = lineages.get(lineage);
  if (!r || r.fork !== fork) lineages.set(lineage, (r = new ResidentTables(fork)));
  return r;
}
