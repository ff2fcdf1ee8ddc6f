/**
 * State that lives outside a batch, such as a chain's store (src/rollup/): an engine
 * given one reads from it whatever the batch's `pre` does not hold. With a source,
 * `pre` is a read-through cache of it: every account in `pre` is the source's account,
 * every slot listed in an account's storage map holds the source's value (zeros may be
 * listed), and the source answers for every other account and slot. Reads are
 * synchronous: an embedded store is read through its memory map.
 */
export interface SourceAccount {
  nonce: bigint;
  balance: bigint;
  code: Uint8Array;
  codeHash: Uint8Array;
}

export interface StateSource {
  /** The account, or undefined when it does not exist. */
  account(addr: string): SourceAccount | undefined;
  storage(addr: string, slot: bigint): bigint;
  /** How many non-zero slots the account has (0: its storage is empty). */
  nonZeroSlots(addr: string): number;
  /** Every non-zero slot of the account: read only when an account is deleted or its storage wiped. */
  slots(addr: string): Iterable<[slot: bigint, value: bigint]>;
}

/** What a batch read through its source because `pre` did not hold it (`stats.stateSource`). */
export interface StateSourceLoads {
  /** Accounts read (existing or not). */
  accounts: number;
  /** Slots read. */
  slots: number;
  /** Accounts whose count of non-zero slots was read. */
  counts: number;
  /** Accounts whose every slot was read (deleted or wiped). */
  wipes: number;
}
