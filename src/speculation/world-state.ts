import { equalsBytes, KECCAK256_NULL } from '@ethereumjs/util';
import type { Account } from '../model/shapes.js';
import { codeHash as hashOfCode } from '../primitives/code-hash.js';
import type { StateSource, StateSourceLoads } from '../model/state-source.js';
import { codeLeftOut, type AccountRead, type AccountState, type TxWrites } from './access-sets.js';

/**
 * The batch's state as of the committed prefix: the pre-state with every committed
 * transaction's writes laid over it. Addresses are lowercase 0x-hex, as in the batch's
 * pre-state map. Speculative executions read through the same interface (`StateReader`),
 * so whatever they read can be checked against this state later.
 *
 * Given a source (src/model/state-source.ts), the pre-state is `pre` and, for what `pre`
 * does not hold, the source: accounts, slots and counts of non-zero slots are read from it
 * on first need and kept for the batch. Without one, nothing changes.
 */
export interface StateReader {
  account(addr: string): AccountState | undefined;
  storage(addr: string, slot: bigint): bigint;
  /** Whether the account has no non-zero slot (its storage root is the empty root). */
  storageEmpty(addr: string): boolean;
}

const EMPTY = new Uint8Array(0);

type Entry = AccountState & { storage: Map<bigint, bigint> };

export class WorldState implements StateReader {
  /** Accounts written since the pre-state; null: deleted. */
  private readonly accounts = new Map<string, AccountState | null>();
  /** Slots written since the pre-state (zeros included). */
  private readonly slots = new Map<string, Map<bigint, bigint>>();
  /** Accounts whose storage was wiped: their pre-state slots no longer apply. */
  private readonly wiped = new Set<string>();
  private readonly preCodeHash = new Map<string, Uint8Array>();
  /** Non-zero slots per account, counted on first need and kept up to date by apply(). */
  private readonly nonZero = new Map<string, number>();

  /** entries()' accounts, each made once per change of the account: callers only read them. */
  private readonly entryCache = new Map<string, Entry | null>();

  /** Read through the source: accounts (null: absent) and slots. */
  private readonly loadedAccounts = new Map<string, AccountState | null>();
  private readonly loadedSlots = new Map<string, Map<bigint, bigint>>();
  /** How much was read through the source. */
  readonly loads: StateSourceLoads = { accounts: 0, slots: 0, counts: 0, wipes: 0 };

  constructor(
    readonly pre: Map<string, Account>,
    private readonly source?: StateSource,
  ) {}

  account(addr: string): AccountState | undefined {
    const written = this.accounts.get(addr);
    if (written !== undefined) return written ?? undefined;
    const a = this.pre.get(addr);
    if (!a) return this.source ? this.loadAccount(addr) : undefined;
    let codeHash = this.preCodeHash.get(addr);
    if (!codeHash) this.preCodeHash.set(addr, (codeHash = hashOfCode(a.code)));
    return { nonce: a.nonce, balance: a.balance, codeHash, code: a.code.length === 0 ? EMPTY : a.code };
  }

  storage(addr: string, slot: bigint): bigint {
    const v = this.slots.get(addr)?.get(slot);
    if (v !== undefined) return v;
    if (this.wiped.has(addr)) return 0n;
    return this.startingSlot(addr, slot);
  }

  /** A slot as the batch starts: `pre`'s value, else the source's. */
  private startingSlot(addr: string, slot: bigint): bigint {
    const v = this.pre.get(addr)?.storage.get(slot);
    if (v !== undefined || !this.source) return v ?? 0n;
    let m = this.loadedSlots.get(addr);
    let loaded = m?.get(slot);
    if (loaded === undefined) {
      loaded = this.source.storage(addr, slot);
      this.loads.slots++;
      if (!m) this.loadedSlots.set(addr, (m = new Map()));
      m.set(slot, loaded);
      this.entryCache.delete(addr);
    }
    return loaded;
  }

  private loadAccount(addr: string): AccountState | undefined {
    let a = this.loadedAccounts.get(addr);
    if (a === undefined) {
      const s = this.source!.account(addr);
      this.loads.accounts++;
      a = s ? { nonce: s.nonce, balance: s.balance, codeHash: s.codeHash, code: s.code.length === 0 ? EMPTY : s.code } : null;
      this.loadedAccounts.set(addr, a);
      this.entryCache.delete(addr);
    }
    return a ?? undefined;
  }

  /** Every non-zero slot the source holds for `addr` (none without a source); kept, so later reads need not ask again. */
  private sourceSlots(addr: string): Map<bigint, bigint> {
    if (!this.source) return new Map();
    const all = new Map(this.source.slots(addr));
    this.loads.wipes++;
    const m = this.loadedSlots.get(addr) ?? new Map<bigint, bigint>();
    for (const [slot, v] of all) if (!this.pre.get(addr)?.storage.has(slot)) m.set(slot, v);
    this.loadedSlots.set(addr, m);
    return all;
  }

  storageEmpty(addr: string): boolean {
    return this.countNonZero(addr) === 0;
  }

  private countNonZero(addr: string): number {
    let n = this.nonZero.get(addr);
    if (n !== undefined) return n;
    n = 0;
    const written = this.slots.get(addr);
    if (this.source && !this.wiped.has(addr)) {
      n = this.source.nonZeroSlots(addr);
      this.loads.counts++;
      for (const slot of written?.keys() ?? []) if (this.startingSlot(addr, slot) !== 0n) n--;
    } else if (!this.wiped.has(addr)) {
      for (const [slot, v] of this.pre.get(addr)?.storage ?? []) if (v !== 0n && !written?.has(slot)) n++;
    }
    for (const v of written?.values() ?? []) if (v !== 0n) n++;
    this.nonZero.set(addr, n);
    return n;
  }

  readAccount(addr: string): AccountRead | null {
    const a = this.account(addr);
    return a ? { nonce: a.nonce, balance: a.balance, codeHash: a.codeHash, storageEmpty: this.storageEmpty(addr) } : null;
  }

  /**
   * Lays one transaction's writes over the state. A fee credited without reading the
   * coinbase (`coinbaseDelta`) is added to whatever the coinbase holds now; an account
   * that ends empty after being touched this way is removed (EIP-161), as runTx does.
   */
  apply(w: TxWrites, coinbase: string): void {
    for (const addr of w.wiped) this.wipe(addr);
    for (const [addr, entries] of w.storage) {
      this.entryCache.delete(addr);
      let count = this.countNonZero(addr);
      let m = this.slots.get(addr);
      if (!m) this.slots.set(addr, (m = new Map()));
      for (const [slot, value] of entries) {
        const was = this.storage(addr, slot);
        if (was !== 0n) count--;
        if (value !== 0n) count++;
        m.set(slot, value);
      }
      this.nonZero.set(addr, count);
    }
    for (const [addr, account] of w.accounts) {
      if (account === null) this.wipe(addr);
      this.accounts.set(addr, account && this.keepCode(addr, account));
      this.entryCache.delete(addr);
    }
    if (w.coinbaseDelta !== undefined) {
      const now = this.account(coinbase);
      const balance = (now?.balance ?? 0n) + w.coinbaseDelta;
      const empty = balance === 0n && (now?.nonce ?? 0n) === 0n && (now === undefined || now.code.length === 0);
      this.entryCache.delete(coinbase);
      this.accounts.set(coinbase, empty ? null : { nonce: now?.nonce ?? 0n, balance, codeHash: now?.codeHash ?? KECCAK256_NULL, code: now?.code ?? EMPTY });
    }
  }

  /**
   * `account` with the code array the account already holds when its code is unchanged.
   * Writes that crossed a thread left that code out (access-sets.ts: leaveOutReadCode)
   * or carry a copy of it; everything keyed by a code's identity (JUMPDEST analyses,
   * compiled programs, GPU code placement) then finds it again.
   */
  private keepCode(addr: string, account: AccountState): AccountState {
    // Only what is known already: a read through the source here would be one the batch never made.
    const known = this.accounts.has(addr) || this.pre.has(addr) || this.loadedAccounts.has(addr);
    const was = known ? this.account(addr) : undefined;
    if (!was || was.code === account.code || !equalsBytes(was.codeHash, account.codeHash)) {
      // Left out only where the transaction read that code, and writes are applied only where their reads hold.
      if (codeLeftOut(account)) throw new Error(`a write left out the code of ${addr}, which this state does not hold under that hash`);
      return account;
    }
    return { ...account, code: was.code, codeHash: was.codeHash };
  }

  private wipe(addr: string): void {
    this.entryCache.delete(addr);
    this.wiped.add(addr);
    this.slots.set(addr, new Map());
    this.nonZero.set(addr, 0);
  }

  /** Every account and slot that any committed transaction wrote (the state diff's candidates). */
  written(): Map<string, Set<bigint>> {
    const out = new Map<string, Set<bigint>>();
    for (const addr of this.accounts.keys()) out.set(addr, new Set());
    for (const [addr, m] of this.slots) {
      const s = out.get(addr) ?? new Set<bigint>();
      for (const slot of m.keys()) s.add(slot);
      if (this.wiped.has(addr)) {
        for (const slot of this.pre.get(addr)?.storage.keys() ?? []) s.add(slot);
        for (const slot of this.sourceSlots(addr).keys()) s.add(slot);
      }
      out.set(addr, s);
    }
    return out;
  }

  /**
   * What the state diff compares the post-state with: the starting state of every
   * written account, with the starting value of each of its written slots (`written`,
   * from written()). Without a source that is `pre` itself; with one, the accounts and
   * slots are read where they are (`pre`, else the source), non-zero slots only.
   */
  startingAccounts(written: Map<string, Set<bigint>>): Map<string, Account> {
    if (!this.source) return this.pre;
    const out = new Map<string, Account>();
    for (const [addr, slots] of written) {
      const a = this.pre.get(addr) ?? this.loadAccount(addr);
      if (!a) continue;
      const storage = new Map<bigint, bigint>();
      for (const slot of slots) {
        const v = this.startingSlot(addr, slot);
        if (v !== 0n) storage.set(slot, v);
      }
      out.set(addr, { nonce: a.nonce, balance: a.balance, code: a.code, storage });
    }
    return out;
  }

  /**
   * The complete post-state: every existing account with its slots (absent ones are
   * zero; a zero may also be listed). An account whose storage nothing wrote shares the
   * pre-state's map: callers only read it. With a source, only `pre`, what was read
   * through the source so far and what was written: a GPU snapshot, whose reads are all
   * validated against this state (a rerun wave then sees what validation loaded).
   */
  *entries(): Generator<[string, Entry]> {
    for (const addr of this.pre.keys()) {
      const e = this.entry(addr);
      if (e) yield [addr, e];
    }
    for (const addr of this.accounts.keys()) {
      if (this.pre.has(addr)) continue;
      const e = this.entry(addr);
      if (e) yield [addr, e];
    }
    for (const addr of this.loadedAccounts.keys()) {
      if (this.pre.has(addr) || this.accounts.has(addr)) continue;
      const e = this.entry(addr);
      if (e) yield [addr, e];
    }
  }

  /** An account as entries() gives it, made once per change of the account (apply() forgets it): each GPU wave snapshots the state. */
  private entry(addr: string): Entry | undefined {
    let e = this.entryCache.get(addr);
    if (e !== undefined) return e ?? undefined;
    const a = this.account(addr);
    if (!a) e = null;
    else {
      const written = this.slots.get(addr);
      const pre = this.wiped.has(addr) ? undefined : this.pre.get(addr)?.storage;
      const loaded = this.wiped.has(addr) ? undefined : this.loadedSlots.get(addr);
      let storage = pre ?? new Map<bigint, bigint>();
      if (written || loaded) {
        storage = new Map(pre ?? []);
        for (const [slot, v] of loaded ?? []) storage.set(slot, v);
        for (const [slot, v] of written ?? []) storage.set(slot, v);
      }
      e = { ...a, storage };
    }
    this.entryCache.set(addr, e);
    return e ?? undefined;
  }
}
