/**
 * What one speculative execution of a transaction read and wrote, in a form that
 * crosses worker threads (structured clone: bigint, Uint8Array, arrays). Validation
 * compares the reads with the committed state; commit lays the writes over it.
 */

/** An account as stored: code travels with its hash so a write is self-contained. */
export interface AccountState {
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
  code: Uint8Array;
}

/** An account as a transaction observed it; null when it did not exist. */
export interface AccountRead {
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
  storageEmpty: boolean;
}

export interface TxReads {
  /** First value seen of every account read from the underlying state. */
  accounts: [addr: string, value: AccountRead | null][];
  /** First value seen of every slot read from the underlying state. */
  storage: [addr: string, slot: bigint, value: bigint][];
}

export interface TxWrites {
  /** Accounts whose storage was wiped (deleted or created over), applied first. */
  wiped: string[];
  /** Final value of every slot written. */
  storage: [addr: string, entries: [slot: bigint, value: bigint][]][];
  /** Final value of every account written; null: deleted. */
  accounts: [addr: string, value: AccountState | null][];
  /**
   * The fee credited to the coinbase when the transaction never otherwise looked at the
   * coinbase: a delta, so fee payments alone never make transactions conflict.
   */
  coinbaseDelta?: bigint;
}

export const NO_WRITES: TxWrites = { wiped: [], storage: [], accounts: [] };
