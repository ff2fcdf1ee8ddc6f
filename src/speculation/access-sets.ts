import { equalsBytes, KECCAK256_NULL } from '@ethereumjs/util';

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

const NO_CODE = new Uint8Array(0);

/**
 * The writes as they cross a thread (a structured clone copies every array): an
 * account's code is left out, as an empty array under its own non-empty code hash,
 * where the transaction read the account with that code hash. A receiver applies the
 * writes only where the reads hold, so it holds that code already, and
 * WorldState.apply puts it back. Otherwise every Uniswap swap run off the main thread
 * posts the pool's and both tokens' code back with its result, 14 KB.
 */
export function leaveOutReadCode(writes: TxWrites, reads: TxReads): TxWrites {
  const readHash = new Map(reads.accounts.map(([addr, a]) => [addr, a?.codeHash]));
  let changed = false;
  const accounts = writes.accounts.map(([addr, a]): [string, AccountState | null] => {
    const was = readHash.get(addr);
    if (!a || a.code.length === 0 || !was || !equalsBytes(was, a.codeHash)) return [addr, a];
    changed = true;
    return [addr, { ...a, code: NO_CODE }];
  });
  return changed ? { ...writes, accounts } : writes;
}

/** An account write whose code leaveOutReadCode left out: empty code under a hash that is not the empty code's. */
export function codeLeftOut(a: AccountState): boolean {
  return a.code.length === 0 && !equalsBytes(a.codeHash, KECCAK256_NULL);
}
