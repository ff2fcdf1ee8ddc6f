import type { Common } from '@ethereumjs/common';
import { createBlockHeader, type BlockHeader } from '@ethereumjs/block';
import { RLP } from '@ethereumjs/rlp';
import { sha256 } from '@noble/hashes/sha2.js';
import { EMPTY_TRIE_ROOT, orderedTrieRoot } from '../chain/ordered-trie.js';
import type { ChainBlock } from '../model/chain.js';
import { bytesToHex, type Hex } from '../primitives/hex.js';
import { headerOf } from '../rpc/blocks.js';
import { INVALID_PARAMS, RpcError } from '../rpc/dispatch.js';
import { address, data, hash, object, quantity } from '../rpc/params.js';
import type { BlockRecord } from '../rollup/store.js';

/**
 * ExecutionPayloadV3 (execution-apis, src/engine/cancun.md) both ways: from a stored or
 * built block (its header RLP and transactions), and to a chain block plus the header it
 * claims, whose hash is checked before anything runs. Withdrawals must be empty (the
 * co-processor has no beacon chain to withdraw from); requests (EIP-7685) hash as given.
 */
export interface ExecutionPayload {
  parentHash: Uint8Array;
  feeRecipient: Hex;
  stateRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  logsBloom: Uint8Array;
  prevRandao: Uint8Array;
  blockNumber: bigint;
  gasLimit: bigint;
  gasUsed: bigint;
  timestamp: bigint;
  extraData: Uint8Array;
  baseFeePerGas: bigint;
  blockHash: Uint8Array;
  transactions: Uint8Array[];
  withdrawals: unknown[];
  blobGasUsed: bigint;
  excessBlobGas: bigint;
}

const q = (v: bigint): Hex => `0x${v.toString(16)}`;

export function parsePayload(v: unknown): ExecutionPayload {
  const o = object(v, 'executionPayload');
  const f = (k: string) => {
    if (o[k] === undefined) throw new RpcError(INVALID_PARAMS, `executionPayload.${k} is missing`);
    return o[k];
  };
  const txs = f('transactions');
  const withdrawals = f('withdrawals');
  if (!Array.isArray(txs)) throw new RpcError(INVALID_PARAMS, 'executionPayload.transactions: expected an array');
  if (!Array.isArray(withdrawals)) throw new RpcError(INVALID_PARAMS, 'executionPayload.withdrawals: expected an array');
  const extraData = data(f('extraData'), 'executionPayload.extraData');
  if (extraData.length > 32) throw new RpcError(INVALID_PARAMS, 'executionPayload.extraData: at most 32 bytes');
  return {
    parentHash: hash(f('parentHash'), 'parentHash'), feeRecipient: address(f('feeRecipient'), 'feeRecipient'),
    stateRoot: hash(f('stateRoot'), 'stateRoot'), receiptsRoot: hash(f('receiptsRoot'), 'receiptsRoot'),
    logsBloom: data(f('logsBloom'), 'logsBloom', 256), prevRandao: hash(f('prevRandao'), 'prevRandao'),
    blockNumber: quantity(f('blockNumber'), 'blockNumber'), gasLimit: quantity(f('gasLimit'), 'gasLimit'), gasUsed: quantity(f('gasUsed'), 'gasUsed'),
    timestamp: quantity(f('timestamp'), 'timestamp'), extraData, baseFeePerGas: quantity(f('baseFeePerGas'), 'baseFeePerGas'),
    blockHash: hash(f('blockHash'), 'blockHash'), transactions: txs.map((t, i) => data(t, `transactions[${i}]`)), withdrawals,
    blobGasUsed: quantity(f('blobGasUsed'), 'blobGasUsed'), excessBlobGas: quantity(f('excessBlobGas'), 'excessBlobGas'),
  };
}

/** The payload of a block the chain built or holds. */
export function formatPayload(r: BlockRecord, common: Common): Record<string, unknown> {
  const h = headerOf(r, common)!;
  return {
    parentHash: bytesToHex(h.parentHash), feeRecipient: h.coinbase.toString(), stateRoot: bytesToHex(h.stateRoot), receiptsRoot: bytesToHex(h.receiptTrie),
    logsBloom: bytesToHex(h.logsBloom), prevRandao: bytesToHex(h.mixHash), blockNumber: q(h.number), gasLimit: q(h.gasLimit), gasUsed: q(h.gasUsed),
    timestamp: q(h.timestamp), extraData: bytesToHex(h.extraData), baseFeePerGas: q(h.baseFeePerGas ?? 0n), blockHash: bytesToHex(r.hash),
    transactions: (r.txs ?? []).map((t) => {
      if (t.kind !== 'raw') throw new Error(`block ${r.number} holds a sequencer-trusted transaction, which a payload cannot carry`);
      return bytesToHex(t.raw);
    }),
    withdrawals: [], blobGasUsed: q(h.blobGasUsed ?? 0n), excessBlobGas: q(h.excessBlobGas ?? 0n),
  };
}

/** EIP-7685's commitment: sha256 of the concatenated sha256 of each request (type byte and data). */
export function requestsHash(requests: Uint8Array[]): Uint8Array {
  const parts = requests.map((r) => sha256(r));
  const all = new Uint8Array(parts.length * 32);
  parts.forEach((p, i) => all.set(p, i * 32));
  return sha256(all);
}

/** The header the payload claims, from its fields and the roots of its lists. */
export async function payloadHeader(p: ExecutionPayload, beaconRoot: Uint8Array, requests: Uint8Array[], common: Common): Promise<BlockHeader> {
  const transactionsTrie = await orderedTrieRoot(p.transactions.map((value, i) => ({ key: RLP.encode(i), value })));
  return createBlockHeader({
    parentHash: p.parentHash, coinbase: p.feeRecipient, stateRoot: p.stateRoot, transactionsTrie, receiptTrie: p.receiptsRoot,
    logsBloom: p.logsBloom, difficulty: 0n, number: p.blockNumber, gasLimit: p.gasLimit, gasUsed: p.gasUsed, timestamp: p.timestamp,
    extraData: p.extraData, mixHash: p.prevRandao, nonce: new Uint8Array(8), baseFeePerGas: p.baseFeePerGas, withdrawalsRoot: EMPTY_TRIE_ROOT,
    blobGasUsed: p.blobGasUsed, excessBlobGas: p.excessBlobGas, parentBeaconBlockRoot: beaconRoot,
    requestsHash: common.isActivatedEIP(7685) ? requestsHash(requests) : undefined,
  }, { common, skipConsensusFormatValidation: true, setHardfork: false });
}

/** The chain block a payload asks to apply. */
export function payloadBlock(p: ExecutionPayload, beaconRoot: Uint8Array): ChainBlock {
  return {
    number: p.blockNumber, parentHash: p.parentHash, extraData: p.extraData,
    env: {
      timestamp: p.timestamp, coinbase: Buffer.from(p.feeRecipient.slice(2), 'hex'), gasLimit: p.gasLimit, baseFee: p.baseFeePerGas,
      prevRandao: p.prevRandao, excessBlobGas: p.excessBlobGas, parentBeaconBlockRoot: beaconRoot,
    },
    txs: p.transactions.map((raw) => ({ kind: 'raw', raw })),
    options: {},
  };
}

/** A stored block as the chain block that made it (to apply it again after a reorg away and back). */
export function recordBlock(r: BlockRecord, common: Common): ChainBlock {
  const h = headerOf(r, common)!;
  return {
    number: r.number, parentHash: r.parentHash, extraData: h.extraData,
    env: {
      timestamp: h.timestamp, coinbase: h.coinbase.bytes, gasLimit: h.gasLimit, baseFee: h.baseFeePerGas, prevRandao: h.mixHash,
      excessBlobGas: h.excessBlobGas, parentBeaconBlockRoot: h.parentBeaconBlockRoot,
    },
    txs: r.txs ?? [],
    options: {},
  };
}

/** Why a block as computed is not the payload's, or undefined when it is. */
export function mismatch(record: BlockRecord, p: ExecutionPayload): string | undefined {
  if (record.result.rejected.length > 0) {
    const r = record.result.rejected[0];
    return `transaction ${r.index} is invalid: ${r.code}: ${r.error}`;
  }
  if (Buffer.compare(record.hash, p.blockHash) === 0) return undefined;
  const res = record.result;
  if (Buffer.compare(record.stateRoot, p.stateRoot) !== 0) return `state root mismatch: computed ${bytesToHex(record.stateRoot)}, payload ${bytesToHex(p.stateRoot)}`;
  if (Buffer.compare(record.receiptsRoot, p.receiptsRoot) !== 0) return `receipts root mismatch: computed ${bytesToHex(record.receiptsRoot)}, payload ${bytesToHex(p.receiptsRoot)}`;
  if (res.gasUsed !== p.gasUsed) return `gas used mismatch: computed ${res.gasUsed}, payload ${p.gasUsed}`;
  if (Buffer.compare(res.logsBloom, p.logsBloom) !== 0) return 'logs bloom mismatch';
  return `block hash mismatch: computed ${bytesToHex(record.hash)}, payload ${bytesToHex(p.blockHash)}`;
}
