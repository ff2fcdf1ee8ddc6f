import { KECCAK256_NULL } from '@ethereumjs/util';
import type { AccountState, TxWrites } from './access-sets.js';
import type { StateReader } from './world-state.js';

/**
 * The state the ordered commit is expected to reach further on: the committed state
 * with the writes of the transactions predicted to hold laid over it, in batch order,
 * each remembered with the transaction that wrote it. The rerun waves' sweep
 * (rerun-wave.ts) reads transactions' start states through it and lays the predicted
 * writes over the committed state for the wave. Nothing is committed from it: every
 * frame is still judged at its own commit.
 */
export interface Written<T> {
  value: T;
  /** The transaction that writes it. */
  by: number;
}

/** Accounts and slots that the predicted transactions write: laid over the committed state for a rerun wave (wave.ts, snapshotWorld). */
export interface Overlay {
  accounts: Map<string, AccountState | null>;
  slots: Map<string, Map<bigint, bigint>>;
}

const EMPTY = new Uint8Array(0);

export class PredictedState implements StateReader {
  readonly accounts = new Map<string, Written<AccountState | null>>();
  readonly slots = new Map<string, Map<bigint, Written<bigint>>>();

  constructor(
    private readonly committed: StateReader,
    private readonly coinbase: string,
  ) {}

  account(addr: string): AccountState | undefined {
    const w = this.accounts.get(addr);
    return w ? (w.value ?? undefined) : this.committed.account(addr);
  }

  storage(addr: string, slot: bigint): bigint {
    return this.slots.get(addr)?.get(slot)?.value ?? this.committed.storage(addr, slot);
  }

  /** A prediction: a written non-zero slot makes the storage non-empty; zeros written are not counted against the committed slots. */
  storageEmpty(addr: string): boolean {
    for (const w of this.slots.get(addr)?.values() ?? []) if (w.value !== 0n) return false;
    return this.committed.storageEmpty(addr);
  }

  /** Lays transaction `by`'s writes over the prediction, as WorldState.apply does over the committed state (storage wipes excepted: the caller does not predict those). */
  apply(w: TxWrites, by: number): void {
    for (const [addr, entries] of w.storage) {
      let m = this.slots.get(addr);
      if (!m) this.slots.set(addr, (m = new Map()));
      for (const [slot, value] of entries) m.set(slot, { value, by });
    }
    for (const [addr, value] of w.accounts) this.accounts.set(addr, { value, by });
    if (w.coinbaseDelta !== undefined) {
      const now = this.account(this.coinbase);
      const balance = (now?.balance ?? 0n) + w.coinbaseDelta;
      const empty = balance === 0n && (now?.nonce ?? 0n) === 0n && (now === undefined || now.code.length === 0);
      this.accounts.set(this.coinbase, { value: empty ? null : { nonce: now?.nonce ?? 0n, balance, codeHash: now?.codeHash ?? KECCAK256_NULL, code: now?.code ?? EMPTY }, by });
    }
  }

  /** Drops predictions of these accounts and slots: the overlay leaves them as committed. */
  forget(accounts: readonly string[], slots: readonly { addr: string; slot: bigint }[]): void {
    for (const a of accounts) this.accounts.delete(a);
    for (const r of slots) this.slots.get(r.addr)?.delete(r.slot);
  }

  overlay(): Overlay {
    const slots = new Map<string, Map<bigint, bigint>>();
    for (const [addr, m] of this.slots) slots.set(addr, new Map([...m].map(([slot, w]) => [slot, w.value])));
    return { accounts: new Map([...this.accounts].map(([addr, w]) => [addr, w.value])), slots };
  }

  /** The transaction that last wrote the account or slot behind a key (`a:addr`, `s:addr:slot`), if any did. */
  writer(addr: string, slot?: bigint): number | undefined {
    return slot === undefined ? this.accounts.get(addr)?.by : this.slots.get(addr)?.get(slot)?.by;
  }
}
