import type { OutcomeCode } from '../evm/outcome.js';
import type { Fork } from '../model/fork.js';

/**
 * The GPU's ABI as the host sees it: what one dispatch takes (a block, a read-only
 * state snapshot, calls) and what each call gives back. A leaf module: the packer,
 * the unpacker, the executor, the compiler's sampler and the speculation core all
 * speak these types, and none of them needs the others to do so.
 */

export interface GpuBlockContext {
  /** Berlin..Prague; others throw RangeError. */
  fork: Fork;
  /** 20 bytes. */
  coinbase: Uint8Array;
  number: bigint;
  timestamp: bigint;
  gasLimit: bigint;
  chainId: bigint;
  /** 0 before London. */
  baseFee: bigint;
  /** Value of opcode 0x44 (difficulty before Paris, prevRandao after). */
  prevRandao: bigint;
  /** BLOBBASEFEE (Cancun+). */
  blobBaseFee: bigint;
  /** BLOCKHASH n: the hash if number - 256 <= n < number and present, else 0. */
  blockHashes: Map<bigint, Uint8Array>;
}

export interface GpuAccountState {
  balance: bigint;
  nonce: bigint;
  code: Uint8Array;
  /** keccak256(code): EXTCODEHASH reads it, and accounts with equal hashes share one copy of the code in the upload. */
  codeHash: Uint8Array;
  storage: Map<bigint, bigint>;
}

/** An account as one call's transaction starts, where its own transaction rules changed it (the sender charged, the value moved, an authorization applied). */
export interface GpuAccountOverride {
  address: Uint8Array;
  balance: bigint;
  nonce: bigint;
  code: Uint8Array;
  codeHash: Uint8Array;
}

/** The world as every call of one dispatch sees it (speculative: calls don't see each other). Absent accounts are empty; absent slots are zero. */
export interface GpuStateSnapshot {
  /** Keyed by 0x + 40 lowercase hex digits. */
  accounts: Map<string, GpuAccountState>;
  /**
   * Names the snapshots that may share tables on the device (resident-tables.ts): the
   * waves of one batch. A caller that gives it promises that an account object, once in
   * one of the lineage's snapshots, is never changed (a change is a new object).
   */
  lineage?: object;
}

export interface GpuCall {
  /** ADDRESS: the executing account (for a create, the new contract's address). */
  address: Uint8Array;
  caller: Uint8Array;
  origin: Uint8Array;
  value: bigint;
  data: Uint8Array;
  gasPrice: bigint;
  /** Gas available to the frame, below 2^63. */
  gas: bigint;
  /** The code to run, already resolved (EIP-7702 delegation target's code, or init code for a create). */
  code: Uint8Array;
  /** CODESIZE/CODECOPY use `code`; CALLDATA is empty for creates. */
  isCreate: boolean;
  /** The complete warm address set at frame start (precompiles, origin, to, coinbase, access list...). */
  warmAddresses: Uint8Array[];
  /** Warm storage keys at frame start (access list). */
  warmSlots: { address: Uint8Array; slot: bigint }[];
  blobVersionedHashes: Uint8Array[];
  /**
   * Accounts whose state at the start of this call is not the snapshot's: read before
   * the snapshot (their storage stays the snapshot's). The conflict validator compares
   * what the kernel read of them with the state the transaction really starts from.
   */
  overrides?: GpuAccountOverride[];
  /**
   * Slots whose value at the start of this call is not the snapshot's, read before it:
   * a rerun chained after an earlier transaction's rerun in the same wave starts from
   * what that one is predicted to write (speculation/chained-slots.ts). Validated like
   * any read.
   */
  slotOverrides?: { address: Uint8Array; slot: bigint; value: bigint }[];
  /** The host's answers to the call's precompile calls, in the order the call makes them (see GpuHostCall). */
  hostAnswers?: GpuHostAnswer[];
}

/**
 * A precompile call the kernel left to the host (the call ended NeedsHost there): the
 * host computes it, puts the answer at `answer` in the call's `hostAnswers` (dropping
 * any after it) and runs the call again, which replays to the same point (same
 * snapshot, same inputs) and goes on.
 */
export interface GpuHostCall {
  /** The precompile's address, as a number (1 = ecrecover). */
  address: number;
  /** Gas given to the precompile (EIP-150's share, with the stipend when value moves). */
  gas: bigint;
  input: Uint8Array;
  /** Which of the call's answers this is: the answers before it held; the one there, if any, was for another input. */
  answer: number;
}

/** A successful precompile run: it answers any call to `address` with this input and at least `gasUsed` gas. */
export interface GpuHostAnswer {
  address: number;
  input: Uint8Array;
  gasUsed: bigint;
  output: Uint8Array;
}

export interface GpuLog {
  address: Uint8Array;
  topics: Uint8Array[];
  data: Uint8Array;
}

/**
 * An account the call changed, as it ends (reported only for Stop/Return): its
 * balance and nonce, its code when a create of the call deposited it, and what the end
 * of the transaction does with it: `destroyed` (SELFDESTRUCT ran in it), `created`
 * (in this transaction: EIP-6780 deletes only those), `touched` (EIP-161: removed if
 * empty then).
 */
export interface GpuAccountChange {
  address: Uint8Array;
  balance: bigint;
  nonce: bigint;
  /** Set when the call deposited code at this account. */
  code?: Uint8Array;
  /** Balance or nonce differ from the start (or code was deposited). */
  written: boolean;
  created: boolean;
  destroyed: boolean;
  touched: boolean;
}

export interface GpuCallResult {
  /** Stop/Return/Revert/halts; NeedsHost/BudgetExhausted/ScratchExhausted mean "not finished: run it on the CPU". */
  outcome: OutcomeCode;
  /** 0 after an exceptional halt; remaining gas after Stop/Return/Revert. */
  gasLeft: bigint;
  /** The frame's refund counter delta (may be negative); meaningful only on Stop/Return. */
  refund: bigint;
  /** RETURN/REVERT data. */
  returnData: Uint8Array;
  /** Empty unless Stop/Return; each log carries the address of the frame that emitted it. */
  logs: GpuLog[];
  /**
   * Final value of every slot SSTOREd (Stop/Return only), including slots whose final
   * value equals the original: the engine applies them as given.
   */
  storageWrites: { address: Uint8Array; slot: bigint; value: bigint }[];
  /** Every slot read from the snapshot (its snapshot value), for the conflict validator. SSTORE reads too: its gas depends on the original value. */
  storageReads: { address: Uint8Array; slot: bigint; value: bigint }[];
  /** Accounts whose balance/nonce/code was read from the snapshot (or the call's overrides). */
  accountReads: Uint8Array[];
  /** Accounts whose nonce, code and emptiness were read but not their balance (a call's callee, EXT*): their balance may differ at commit, and what the call credited them is a delta. */
  accountSeenReads: Uint8Array[];
  /** Of those, the accounts whose balance was checked (a value call's balance check that passed) and not otherwise read: the least balance each must start with. */
  accountNeeds: { address: Uint8Array; need: bigint }[];
  /** Accounts whose storage emptiness was read (a create's collision check). */
  storageEmptyReads: Uint8Array[];
  /** Every account the call changed or touched (Stop/Return only), with its final state. */
  accounts: GpuAccountChange[];
  /** The deepest call frame the call entered (0: it made no call). */
  maxDepth: number;
  /** Opcodes executed (the one that ended the call included). */
  steps: number;
  /** Where execution ended: the pc and the opcode byte there (0 past the end of the code). */
  stoppedAt?: { pc: number; op: number };
  /** Set when the call ended NeedsHost at a precompile call it has no answer for. */
  hostCall?: GpuHostCall;
  /** Which kernel ran the call: `compiled` when its code's compiled program drove it, `contract` when its code's own kernel did. */
  kernel?: 'interpreter' | 'compiled' | 'contract';
}
