import { keccak_256 } from '@noble/hashes/sha3.js';
import { KECCAK256_NULL } from '@ethereumjs/util';
import type { Account } from '../model/shapes.js';
import type { AccountRead, AccountState, TxWrites } from './access-sets.js';

/**
 * The batch's state as of the committed prefix: the pre-state with every committed
 * transaction's writes laid over it. Addresses are lowercase 0x-hex, as in the batch's
 * pre-state map. Speculative executions read through the same interface (`StateReader`),
 * so whatever they read can be checked against this state later.
 */
export interface StateReader {
  account(addr: string): AccountState | undefined;
  storage(addr: string, slot: bigint): bigint;
  /** Whether the account has no non-zero slot (its storage root is the empty root). */
  storageEmpty(addr: string): boolean;
}

const EMPTY = new Uint8Array(0);

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

  constructor(readonly pre: Map<string, Account>) {}

  account(addr: string): AccountState | undefined {
    const written = this.accounts.get(addr);
    if (written !== undefined) return written ?? undefined;
    const a = this.pre.get(addr);
    if (!a) return undefined;
    let codeHash = this.preCodeHash.get(addr);
    if (!codeHash) this.preCodeHash.set(addr, (codeHash = a.code.length === 0 ? KECCAK256_NULL : keccak_256(a.code)));
    return { nonce: a.nonce, balance: a.balance, codeHash, code: a.code.length === 0 ? EMPTY : a.code };
  }

  storage(addr: string, slot: bigint): bigint {
    const v = this.slots.get(addr)?.get(slot);
    if (v !== undefined) return v;
    if (this.wiped.has(addr)) return 0n;
    return this.pre.get(addr)?.storage.get(slot) ?? 0n;
  }

  storageEmpty(addr: string): boolean {
    return this.countNonZero(addr) === 0;
  }

  private countNonZero(addr: string): number {
    let n = this.nonZero.get(addr);
    if (n !== undefined) return n;
    n = 0;
    const written = this.slots.get(addr);
    if (!this.wiped.has(addr)) {
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
      this.accounts.set(addr, account);
    }
    if (w.coinbaseDelta !== undefined) {
      const now = this.account(coinbase);
      const balance = (now?.balance ?? 0n) + w.coinbaseDelta;
      const empty = balance === 0n && (now?.nonce ?? 0n) === 0n && (now === undefined || now.code.length === 0);
      this.accounts.set(coinbase, empty ? null : { nonce: now?.nonce ?? 0n, balance, codeHash: now?.codeHash ?? KECCAK256_NULL, code: now?.code ?? EMPTY });
    }
  }

  private wipe(addr: string): void {
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
      if (this.wiped.has(addr)) for (const slot of this.pre.get(addr)?.storage.keys() ?? []) s.add(slot);
      out.set(addr, s);
    }
    return out;
  }

  /**
   * The complete post-state: every existing account with its slots (absent ones are
   * zero; a zero may also be listed). An account whose storage nothing wrote shares the
   * pre-state's map: callers only read it.
   */
  *entries(): Generator<[string, AccountState & { storage: Map<bigint, bigint> }]> {
    const addrs = new Set<string>([...this.pre.keys(), ...this.accounts.keys()]);
    for (const addr of addrs) {
      const a = this.account(addr);
      if (!a) continue;
      const written = this.slots.get(addr);
      const pre = this.wiped.has(addr) ? undefined : this.pre.get(addr)?.storage;
      if (!written) {
        yield [addr, { ...a, storage: pre ?? new Map() }];
        continue;
      }
      const storage = new Map(pre ?? []);
      for (const [slot, v] of written) storage.set(slot, v);
      yield [addr, { ...a, storage }];
    }
  }
}
