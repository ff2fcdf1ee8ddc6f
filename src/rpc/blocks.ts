import type { Common } from '@ethereumjs/common';
import { createBlockHeaderFromRLP, type BlockHeader } from '@ethereumjs/block';
import { RLP } from '@ethereumjs/rlp';
import { KECCAK256_RLP_ARRAY } from '@ethereumjs/util';
import { prepareTx, isRejection } from '../chain/transaction.js';
import type { TxResult } from '../model/shapes.js';
import { bytesToHex, type Hex } from '../primitives/hex.js';
import { encodeUnsigned } from '../rollup/header.js';
import type { BlockRecord } from '../rollup/store.js';
import type { Json } from './dispatch.js';

/**
 * Stored blocks in the Ethereum JSON-RPC's shapes (execution-apis, src/schemas/block.yaml,
 * receipt.yaml, transaction.yaml): the header from the RLP the chain keeps, the
 * transactions from the included inputs, the receipts from the block's results.
 */
const q = (v: bigint | number): Hex => `0x${v.toString(16)}`;

/** The block's header, as the chain built and hashed it. */
export function headerOf(r: BlockRecord, common: Common): BlockHeader | undefined {
  return r.header ? createBlockHeaderFromRLP(r.header, { common, skipConsensusFormatValidation: true, setHardfork: false }) : undefined;
}

export function formatBlock(r: BlockRecord, common: Common, full: boolean): Json {
  const h = headerOf(r, common);
  const hash = bytesToHex(r.hash);
  const txs = r.txs ?? [];
  const transactions: Json[] = full ? txs.map((_, i) => formatTransaction(r, i, common, h)) : (r.txHashes ?? []).map(bytesToHex);
  const base: Record<string, Json> = {
    number: q(r.number), hash, parentHash: bytesToHex(r.parentHash), stateRoot: bytesToHex(r.stateRoot),
    transactionsRoot: bytesToHex(r.transactionsRoot), receiptsRoot: bytesToHex(r.receiptsRoot),
    logsBloom: bytesToHex(r.result.logsBloom), gasUsed: q(r.result.gasUsed),
    sha3Uncles: bytesToHex(KECCAK256_RLP_ARRAY), uncles: [], transactions,
  };
  if (!h) return base;
  const j = h.toJSON();
  return {
    ...base,
    miner: j.coinbase!, difficulty: j.difficulty!, totalDifficulty: '0x0', extraData: j.extraData!, size: q(blockSize(r, h, common)),
    gasLimit: j.gasLimit!, timestamp: j.timestamp!, mixHash: j.mixHash!, nonce: j.nonce!,
    ...(j.baseFeePerGas !== undefined ? { baseFeePerGas: j.baseFeePerGas } : {}),
    ...(j.withdrawalsRoot !== undefined ? { withdrawalsRoot: j.withdrawalsRoot, withdrawals: [] } : {}),
    ...(j.blobGasUsed !== undefined ? { blobGasUsed: j.blobGasUsed, excessBlobGas: j.excessBlobGas! } : {}),
    ...(j.parentBeaconBlockRoot !== undefined ? { parentBeaconBlockRoot: j.parentBeaconBlockRoot } : {}),
    ...(j.requestsHash !== undefined ? { requestsHash: j.requestsHash } : {}),
  };
}

/** Bytes of the block's RLP: header, transactions (a legacy one as a list, a typed one as a string), no ommers, and withdrawals from Shanghai. */
function blockSize(r: BlockRecord, h: BlockHeader, common: Common): number {
  const txs = (r.txs ?? []).map((t) => {
    const enc = t.kind === 'raw' ? t.raw : encodeUnsigned(t.tx, common.chainId());
    return enc[0] >= 0xc0 ? (RLP.decode(enc) as Uint8Array[]) : enc;
  });
  return RLP.encode([h.raw(), txs, [], ...(h.withdrawalsRoot !== undefined ? [[]] : [])] as never).length;
}

/** The fee a transaction pays per gas in this block. */
function effectiveGasPrice(tx: { gasPrice?: bigint; maxFeePerGas?: bigint; maxPriorityFeePerGas?: bigint }, baseFee: bigint | undefined): bigint {
  if (tx.maxFeePerGas === undefined) return tx.gasPrice ?? 0n;
  const tip = tx.maxPriorityFeePerGas ?? 0n;
  const b = baseFee ?? 0n;
  return tx.maxFeePerGas < b + tip ? tx.maxFeePerGas : b + tip;
}

function prepared(r: BlockRecord, i: number, common: Common) {
  const p = prepareTx(r.txs![i], common);
  if (isRejection(p)) throw new Error(`stored transaction ${i} of block ${r.number} does not decode: ${p.error}`);
  return p;
}

export function formatTransaction(r: BlockRecord, i: number, common: Common, header = headerOf(r, common)): Json {
  const { tx, sender } = prepared(r, i, common);
  const j = tx.toJSON() as Record<string, unknown>;
  const signed = r.txs![i].kind === 'raw';
  const fees = tx as unknown as { gasPrice?: bigint; maxFeePerGas?: bigint; maxPriorityFeePerGas?: bigint };
  const out: Record<string, Json> = {
    blockHash: bytesToHex(r.hash), blockNumber: q(r.number), transactionIndex: q(i), hash: bytesToHex(r.txHashes![i]),
    from: sender.toString(), type: q(tx.type), nonce: q(tx.nonce), gas: q(tx.gasLimit), to: tx.to ? tx.to.toString() : null,
    value: q(tx.value), input: bytesToHex(tx.data),
    gasPrice: q(effectiveGasPrice(fees, header?.baseFeePerGas)),
    v: signed ? (j.v as string) : '0x0', r: signed ? (j.r as string) : '0x0', s: signed ? (j.s as string) : '0x0',
  };
  if (j.chainId !== undefined) out.chainId = j.chainId as string;
  if (tx.type > 0) {
    out.yParity = out.v;
    out.accessList = (j.accessList as Json) ?? [];
  }
  if (fees.maxFeePerGas !== undefined) {
    out.maxFeePerGas = q(fees.maxFeePerGas);
    out.maxPriorityFeePerGas = q(fees.maxPriorityFeePerGas!);
  }
  if (j.maxFeePerBlobGas !== undefined) {
    out.maxFeePerBlobGas = j.maxFeePerBlobGas as string;
    out.blobVersionedHashes = j.blobVersionedHashes as Json;
  }
  if (j.authorizationList !== undefined) out.authorizationList = j.authorizationList as Json;
  return out;
}

export function formatReceipt(r: BlockRecord, i: number, common: Common): Json {
  const header = headerOf(r, common);
  const res: TxResult = r.result.results[i];
  const { tx } = prepared(r, i, common);
  const blockHash = bytesToHex(r.hash);
  const blockNumber = q(r.number);
  const transactionHash = bytesToHex(r.txHashes![i]);
  const transactionIndex = q(i);
  return {
    transactionHash, transactionIndex, blockHash, blockNumber,
    from: bytesToHex(res.from), to: tx.to ? tx.to.toString() : null,
    cumulativeGasUsed: q(res.cumulativeGasUsed), gasUsed: q(res.gasUsed),
    effectiveGasPrice: q(effectiveGasPrice(tx as never, header?.baseFeePerGas)),
    contractAddress: res.contractAddress ? bytesToHex(res.contractAddress) : null,
    logs: res.logs.map((l) => ({
      address: bytesToHex(l.address), topics: l.topics.map(bytesToHex), data: bytesToHex(l.data),
      blockHash, blockNumber, transactionHash, transactionIndex, logIndex: q(l.logIndex), removed: false,
    })),
    logsBloom: bytesToHex(res.logsBloom), type: q(res.type), status: q(res.status),
    ...(res.blobGasUsed !== undefined ? { blobGasUsed: q(res.blobGasUsed), blobGasPrice: q(res.blobGasPrice ?? 0n) } : {}),
  };
}
