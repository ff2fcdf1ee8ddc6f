/**
 * The data model, one generic shape per type. `Q` is how a quantity is carried and
 * `B` how bytes are: the domain form instantiates them as bigint / Uint8Array, the
 * JSON wire form as 0x-hex strings, the msgpack form as integers / binary.
 * Keys of maps (addresses, storage slots) stay lowercase 0x-hex strings in every form.
 */
import type { Hex } from '../primitives/hex.js';
import type { BatchStats } from './stats.js';
export type { Hex };

export interface BlockEnvShape<Q, B> {
  number: Q;
  timestamp: Q;
  coinbase: B;
  gasLimit: Q;
  chainId: Q;
  /** Required from London. */
  baseFee?: Q;
  /** Post-merge randomness (PREVRANDAO). Defaults to zero. */
  prevRandao?: B;
  /** Pre-merge difficulty (DIFFICULTY). Defaults to zero. */
  difficulty?: Q;
  /** From Cancun; defaults to zero. */
  excessBlobGas?: Q;
  /** From Cancun; when given, the EIP-4788 beacon-root system call runs before the first transaction. */
  parentBeaconBlockRoot?: B;
  /** Hashes served to BLOCKHASH, keyed by block number (decimal or 0x-hex). */
  blockHashes?: Record<string, B>;
}

export interface AccountShape<Q, B> {
  balance: Q;
  nonce: Q;
  code?: B;
  /** slot -> value */
  storage?: Record<string, Q>;
}

export interface AccessListEntryShape<B> {
  address: B;
  storageKeys: B[];
}

/** EIP-7702 authorization tuple, always signed by the authority. */
export interface AuthorizationShape<Q, B> {
  chainId: Q;
  address: B;
  nonce: Q;
  yParity: Q;
  r: Q;
  s: Q;
}

/** A transaction whose sender is given (sequencer-trusted): no signature needed. */
export interface UnsignedTxShape<Q, B> {
  /** 0 legacy, 1 EIP-2930, 2 EIP-1559, 3 EIP-4844, 4 EIP-7702. Inferred from the fields when absent. */
  type?: Q;
  from: B;
  /** null creates a contract. */
  to: B | null;
  nonce: Q;
  gas: Q;
  gasPrice?: Q;
  maxFeePerGas?: Q;
  maxPriorityFeePerGas?: Q;
  value?: Q;
  data?: B;
  chainId?: Q;
  accessList?: AccessListEntryShape<B>[];
  maxFeePerBlobGas?: Q;
  blobVersionedHashes?: B[];
  authorizationList?: AuthorizationShape<Q, B>[];
}

/** A signed transaction: its canonical (EIP-2718) bytes; the sender is recovered. */
export interface RawTxShape<B> {
  raw: B;
}

export type TxInputShape<Q, B> = UnsignedTxShape<Q, B> | RawTxShape<B>;

export interface BatchOptionsShape {
  engine?: string;
  /** Compute the post-state root (default true). */
  stateRoot?: boolean;
}

export interface BatchShape<Q, B> {
  fork: string;
  env: BlockEnvShape<Q, B>;
  pre: Record<string, AccountShape<Q, B>>;
  txs: TxInputShape<Q, B>[];
  options?: BatchOptionsShape;
}

export interface LogShape<Q, B> {
  address: B;
  topics: B[];
  data: B;
  /** Position of the log in the batch. */
  logIndex: Q;
}

export interface TxResultShape<Q, B> {
  /** Position of the transaction in the request's `txs`. */
  index: number;
  type: Q;
  from: B;
  /** Transaction hash: for signed transactions only. */
  hash?: B;
  /** 1 success, 0 failure (from Byzantium; before it, see `root`). */
  status: Q;
  /** Pre-Byzantium receipts carry the intermediate state root instead of a status. */
  root?: B;
  /** Name from the outcome enum (`src/evm/outcome.ts`). */
  outcome: string;
  gasUsed: Q;
  cumulativeGasUsed: Q;
  logs: LogShape<Q, B>[];
  logsBloom: B;
  returnData: B;
  contractAddress: B | null;
  blobGasUsed?: Q;
  blobGasPrice?: Q;
  /** Why execution failed (revert, out of gas, ...). */
  error?: string;
  /** Which engine executed it: reference, gpu, cpu, mixed, or host (a transaction that runs no code, done by the host's transaction rules). */
  engine: string;
}

export interface RejectedTxShape {
  index: number;
  code: string;
  error: string;
}

/** An account as geth's prestateTracer (diffMode) prints it: only present fields. */
export interface DiffAccountShape<Q, B> {
  balance?: Q;
  nonce?: Q;
  code?: B;
  /** slot (32-byte hex) -> value (32 bytes) */
  storage?: Record<string, B>;
}

export interface StateDiffShape<Q, B> {
  pre: Record<string, DiffAccountShape<Q, B>>;
  post: Record<string, DiffAccountShape<Q, B>>;
}

export type { BatchStats } from './stats.js';

export interface BatchResultShape<Q, B> {
  results: TxResultShape<Q, B>[];
  rejected: RejectedTxShape[];
  stateDiff: StateDiffShape<Q, B>;
  /** null when options.stateRoot is false. */
  stateRoot: B | null;
  receiptsRoot: B;
  logsBloom: B;
  /** keccak256(rlp(all logs)), as state tests check it. */
  logsHash: B;
  gasUsed: Q;
  blobGasUsed: Q;
  stats: BatchStats;
}

// Domain forms: the executors work on these.
export type BlockEnv = Omit<BlockEnvShape<bigint, Uint8Array>, 'blockHashes'> & { blockHashes: Map<bigint, Uint8Array> };
export type Account = Omit<AccountShape<bigint, Uint8Array>, 'storage' | 'code'> & { code: Uint8Array; storage: Map<bigint, bigint> };
export type UnsignedTx = UnsignedTxShape<bigint, Uint8Array> & { type: bigint; value: bigint; data: Uint8Array };
export type TxInput = { kind: 'unsigned'; tx: UnsignedTx } | { kind: 'raw'; raw: Uint8Array };
export interface Batch {
  fork: import('./fork.js').Fork;
  env: BlockEnv;
  /** address (lowercase 0x-hex) -> account */
  pre: Map<string, Account>;
  txs: TxInput[];
  options: Required<Pick<BatchOptionsShape, 'stateRoot'>> & BatchOptionsShape;
}
export type TxResult = TxResultShape<bigint, Uint8Array>;
export type Log = LogShape<bigint, Uint8Array>;
/**
 * A diff account's changed slots, slot -> value, in ascending slot order (the order the
 * wire lists them in). Values are words as in `Account.storage`: the wire's 32-byte hex
 * comes from them only when a result is written out (wire/format.ts), so the engines and
 * the chain, which read slots as numbers, never build or parse 0x-hex keys.
 */
export type DiffStorage = Map<bigint, bigint>;
export type DiffAccount = Omit<DiffAccountShape<bigint, Uint8Array>, 'storage'> & { storage?: DiffStorage };
export interface StateDiff {
  pre: Record<string, DiffAccount>;
  post: Record<string, DiffAccount>;
}
export type BatchResult = Omit<BatchResultShape<bigint, Uint8Array>, 'stateDiff'> & { stateDiff: StateDiff };

// Wire forms.
export type WireBatch = BatchShape<Hex, Hex>;
export type WireBatchResult = BatchResultShape<Hex, Hex>;
