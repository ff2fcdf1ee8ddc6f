import { createBlockHeader, type BlockHeader } from '@ethereumjs/block';
import { RLP } from '@ethereumjs/rlp';
import { makeCommon } from '../chain/common.js';
import { orderedTrieRoot } from '../chain/ordered-trie.js';
import { forkAtLeast, type Fork } from '../model/fork.js';
import type { BlockEnv, TxInput, UnsignedTx } from '../model/shapes.js';
import { encodeSigned } from '../chain/tx-encode.js';
import { cpuHasher, type BatchHasher } from '../chain/hasher.js';

/**
 * A block's header as @ethereumjs/block builds it, so that its hash is the keccak of a
 * real RLP header: the parent's hash, the roots, the bloom, gas used and the env's
 * fields. Fields the chain has no use for take their empty values: no ommers, no
 * withdrawals (the empty trie), no requests (EIP-7685's empty hash); extra data is the
 * block's own (empty unless the Engine API gave some).
 */
export interface HeaderFields {
  parentHash: Uint8Array;
  stateRoot: Uint8Array;
  transactionsRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  logsBloom: Uint8Array;
  gasUsed: bigint;
  blobGasUsed: bigint;
  /** The header's extra data (the Engine API's `extraData`); empty when absent. */
  extraData?: Uint8Array;
  /** EIP-7685's requests hash; absent: no requests (sha256 of nothing). */
  requestsHash?: Uint8Array;
}

export function blockHash(fork: Fork, env: BlockEnv, f: HeaderFields): Uint8Array {
  return blockHeader(fork, env, f).hash();
}

/** The header itself: its RLP (`serialize()`) is what the chain keeps, and what the JSON-RPC and Engine API answer from. */
export function blockHeader(fork: Fork, env: BlockEnv, f: HeaderFields): BlockHeader {
  const common = makeCommon(fork, env.chainId);
  const merged = forkAtLeast(fork, 'Paris');
  const header = createBlockHeader(
    {
      parentHash: f.parentHash,
      coinbase: env.coinbase,
      stateRoot: f.stateRoot,
      transactionsTrie: f.transactionsRoot,
      receiptTrie: f.receiptsRoot,
      logsBloom: f.logsBloom,
      difficulty: merged ? 0n : env.difficulty ?? 0n,
      number: env.number,
      gasLimit: env.gasLimit,
      gasUsed: f.gasUsed,
      timestamp: env.timestamp,
      mixHash: merged ? env.prevRandao ?? new Uint8Array(32) : undefined,
      baseFeePerGas: forkAtLeast(fork, 'London') ? env.baseFee : undefined,
      blobGasUsed: forkAtLeast(fork, 'Cancun') ? f.blobGasUsed : undefined,
      excessBlobGas: forkAtLeast(fork, 'Cancun') ? env.excessBlobGas ?? 0n : undefined,
      parentBeaconBlockRoot: forkAtLeast(fork, 'Cancun') ? env.parentBeaconBlockRoot ?? new Uint8Array(32) : undefined,
      extraData: f.extraData,
      requestsHash: forkAtLeast(fork, 'Prague') ? f.requestsHash : undefined,
    },
    { common, skipConsensusFormatValidation: true, setHardfork: false },
  );
  return header;
}

/**
 * The trie of the included transactions (RLP(index) -> EIP-2718 encoding), in block
 * order: signed ones as given, sequencer-trusted ones (a `from`, no signature) with
 * their fields and an empty signature (v, r, s empty), as @ethereumjs/tx serializes an
 * unsigned transaction; written out field by field (src/chain/tx-encode.ts), which costs
 * a fraction of building each transaction with @ethereumjs/tx.
 */
export async function transactionsRoot(chainId: bigint, txs: TxInput[], included: number[]): Promise<Uint8Array> {
  return transactionsRootOf(encodeIncluded(chainId, txs, included));
}

/** The included transactions' encodings, in block order, as the transactions trie holds them (the chain hashes them too). */
export function encodeIncluded(chainId: bigint, txs: TxInput[], included: number[]): Uint8Array[] {
  return included.map((i) => encodeInput(txs[i], chainId));
}

/** A transaction's encoding in the transactions trie: a signed one's as given, a sequencer-trusted one's with an empty signature. */
export function encodeInput(input: TxInput, chainId: bigint): Uint8Array {
  return input.kind === 'raw' ? input.raw : encodeUnsigned(input.tx, chainId);
}

/** The transactions root over encodings already made (encodeIncluded). */
export function transactionsRootOf(encoded: Uint8Array[], hash: BatchHasher = cpuHasher): Promise<Uint8Array> {
  return orderedTrieRoot(encoded.map((value, i) => ({ key: RLP.encode(i), value })), hash);
}

export function encodeUnsigned(tx: UnsignedTx, chainId: bigint): Uint8Array {
  // Field by field: a spread of the input with overrides made the new object's shape
  // anew for each transaction, and cost half of encoding a block's transactions.
  return encodeSigned({
    type: Number(tx.type),
    chainId: tx.chainId ?? chainId,
    nonce: tx.nonce,
    gas: tx.gas,
    gasPrice: tx.gasPrice,
    maxFeePerGas: tx.maxFeePerGas,
    maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
    to: tx.to,
    value: tx.value,
    data: tx.data,
    accessList: tx.accessList?.map((e) => [e.address, e.storageKeys]) ?? [],
    maxFeePerBlobGas: tx.maxFeePerBlobGas,
    blobVersionedHashes: tx.blobVersionedHashes ?? [],
    authorizationList: tx.authorizationList ?? [],
    v: 0n, r: 0n, s: 0n,
  });
}
