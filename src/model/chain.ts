/**
 * The chain's wire and domain shapes (rollup co-processor mode, /v1/chain/*), generic in
 * how quantities (`Q`) and bytes (`B`) travel, like the batch shapes (shapes.ts).
 */
import type { AccountShape, BatchResultShape, BlockEnvShape, TxInputShape } from './shapes.js';
import type { Fork } from './fork.js';

/**
 * A chain block's env: the `/v1/execute` env without `blockHashes` (BLOCKHASH serves the
 * chain's own hashes), and with `number` and `chainId` optional (the block's position
 * and the chain's id; when given they must agree).
 */
export type ChainEnvShape<Q, B> = Omit<BlockEnvShape<Q, B>, 'number' | 'chainId' | 'blockHashes'> & { number?: Q; chainId?: Q };

/** POST /v1/chain/init: the genesis. `env.number` is the genesis block's number. */
export interface ChainInitShape<Q, B> {
  fork: string;
  chainId: Q;
  alloc: Record<string, AccountShape<Q, B>>;
  env: ChainEnvShape<Q, B> & { number: Q };
}

/** POST /v1/chain/blocks: the next block. */
export interface ChainBlockShape<Q, B> {
  number: Q;
  /** When given, the head's hash. */
  parentHash?: B;
  env: ChainEnvShape<Q, B>;
  txs: TxInputShape<Q, B>[];
  options?: { engine?: string };
}

/** POST /v1/chain/rollback and /v1/chain/finalize. */
export interface ChainNumberShape<Q> {
  number: Q;
}

export interface ChainHeadShape<Q, B> {
  number: Q;
  hash: B;
  stateRoot: B;
  finalized: Q;
}

/** A block as applied: the `/v1/execute` result, with the block's place in the chain and its roots. */
export type ChainBlockResultShape<Q, B> = Omit<BatchResultShape<Q, B>, 'stateRoot'> & {
  number: Q;
  hash: B;
  parentHash: B;
  stateRoot: B;
  transactionsRoot: B;
};

/** GET /v1/chain/accounts/{address}: an account at the head or at a block in the rollback window. */
export interface AccountViewShape<Q, B> {
  balance: Q;
  nonce: Q;
  codeHash: B;
  code: B;
  /** The slots asked for (32-byte keys) -> values. */
  storage: Record<string, Q>;
}

// Domain forms.
type DomainEnv = ChainEnvShape<bigint, Uint8Array>;
export interface ChainInit {
  fork: Fork;
  chainId: bigint;
  alloc: Map<string, import('./shapes.js').Account>;
  env: DomainEnv & { number: bigint };
}
export interface ChainBlock {
  number: bigint;
  parentHash?: Uint8Array;
  /** The header's extra data (the Engine API's blocks); absent: empty. */
  extraData?: Uint8Array;
  env: DomainEnv;
  txs: import('./shapes.js').TxInput[];
  options: { engine?: string };
}
export type ChainHead = ChainHeadShape<bigint, Uint8Array>;
export type ChainBlockResult = ChainBlockResultShape<bigint, Uint8Array>;
export type AccountView = AccountViewShape<bigint, Uint8Array>;

/** `stats.chain` of a block's result: where the block's time went, and how its state was read. */
export interface ChainStats {
  /** Accounts and slots put in the batch's pre-state before it ran. */
  preloaded: { accounts: number; slots: number };
  /** Reads of the chain's state: from memory (the hot state) or from the store, and the store's milliseconds. */
  state: { hits: number; reads: number; readMs: number };
  /** Milliseconds: preload (state loading before the run), execute (the engine, on-demand loads included), trie (tries and records), header (roots and hash), commit (the durable write). */
  timingsMs: { preload: number; execute: number; trie: number; header: number; commit: number; total: number };
}
