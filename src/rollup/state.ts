import { KECCAK256_NULL } from '@ethereumjs/util';
import type { SourceAccount, StateSource } from '../model/state-source.js';
import { addressKey, type AccountRecord } from './records.js';
import { GenerationalCache } from '../primitives/generational-cache.js';
import type { ChainStore } from './store.js';

/**
 * The head's state as the engines read it (a StateSource, src/model/state-source.ts):
 * the store, with the hot part kept in memory across blocks, within a budget of bytes,
 * least recently used out first, a generation at a time (generational-cache.ts). The
 * memory follows the store: a block's changes are laid over it once they are durable,
 * and a rollback empties it.
 */
const ACCOUNT_BYTES = 200;
const SLOT_BYTES = 150;
const EMPTY = new Uint8Array(0);

export interface StateReads {
  /** Answered from memory. */
  hits: number;
  /** Read from the store. */
  reads: number;
  /** Milliseconds spent reading the store. */
  ms: number;
}

type Held = AccountRecord | null | bigint | Uint8Array;

export class ChainState implements StateSource {
  private readonly hot: GenerationalCache<string, Held>;
  counts: StateReads = { hits: 0, reads: 0, ms: 0 };
  /** Slots read while tracking (what the engine read on demand). */
  private tracked: [string, bigint][] | undefined;
  /**
   * While a block's transaction commits on lmdb's write thread (ChainStore.writeQueued),
   * memory may lag the store: reads then go to the store, which shows the block all at
   * once or not at all, and what they read is not kept.
   */
  private committing = false;

  constructor(
    private readonly store: ChainStore,
    budget: number,
  ) {
    this.hot = new GenerationalCache(budget);
  }

  record(addr: string): AccountRecord | undefined {
    return (this.cached('a' + addr, ACCOUNT_BYTES, () => this.store.account(addressKey(addr)) ?? null) as AccountRecord | null) ?? undefined;
  }

  account(addr: string): SourceAccount | undefined {
    const r = this.record(addr);
    if (!r) return undefined;
    return { nonce: r.nonce, balance: r.balance, codeHash: r.codeHash, code: this.code(r.codeHash) };
  }

  code(hash: Uint8Array): Uint8Array {
    if (Buffer.compare(hash, KECCAK256_NULL) === 0) return EMPTY;
    const key = 'c' + Buffer.from(hash).toString('latin1');
    const code = this.cached(key, 0, () => this.store.code(hash) ?? EMPTY) as Uint8Array;
    return code;
  }

  storage(addr: string, slot: bigint): bigint {
    this.tracked?.push([addr, slot]);
    return this.cached(slotKey(addr, slot), SLOT_BYTES, () => this.store.slot(addressKey(addr), slot)) as bigint;
  }

  nonZeroSlots(addr: string): number {
    return this.record(addr)?.slots ?? 0;
  }

  slots(addr: string): Iterable<[bigint, bigint]> {
    this.counts.reads++;
    const t = performance.now();
    const all = [...this.store.slots(addressKey(addr))];
    this.counts.ms += performance.now() - t;
    return all;
  }

  /** Counts reads (and, with `track`, remembers the slots read) from now on; returns what was counted before. */
  begin(track: boolean): StateReads {
    const before = this.counts;
    this.counts = { hits: 0, reads: 0, ms: 0 };
    this.tracked = track ? [] : undefined;
    return before;
  }

  /** The slots read since begin(true). */
  end(): [string, bigint][] {
    const t = this.tracked ?? [];
    this.tracked = undefined;
    return t;
  }

  /** A block's transaction is about to commit: memory is bypassed until committed() (or aborted()). */
  committingBlock(): void {
    this.committing = true;
  }

  /** The block's transaction is visible: its accounts (undefined: deleted) and slots go to memory, which is used again. */
  committed(accounts: Iterable<[string, AccountRecord | undefined]>, slots: Iterable<[string, bigint, bigint]>): void {
    this.update(accounts, slots);
    this.committing = false;
  }

  /** The block's transaction failed: memory still follows the store. */
  aborted(): void {
    this.committing = false;
  }

  private update(accounts: Iterable<[string, AccountRecord | undefined]>, slots: Iterable<[string, bigint, bigint]>): void {
    for (const [addr, r] of accounts) this.remember('a' + addr, ACCOUNT_BYTES, r ?? null);
    for (const [addr, slot, v] of slots) this.remember(slotKey(addr, slot), SLOT_BYTES, v);
  }

  /** After a rollback: the store is the only truth. */
  clear(): void {
    this.hot.clear();
  }

  get memoryBytes(): number {
    return this.hot.units;
  }

  private cached(key: string, size: number, load: () => Held): Held {
    if (this.committing) {
      this.counts.reads++;
      return load();
    }
    const e = this.hot.find(key);
    if (e) {
      this.counts.hits++;
      return e.value;
    }
    this.counts.reads++;
    const t = performance.now();
    const value = load();
    this.counts.ms += performance.now() - t;
    this.remember(key, size || (value as Uint8Array).length + 64, value);
    return value;
  }

  private remember(key: string, size: number, value: Held): void {
    this.hot.set(key, value, size);
  }
}

function slotKey(addr: string, slot: bigint): string {
  return `s${addr}${slot.toString(16)}`;
}
