import { RLP } from '@ethereumjs/rlp';
import { bigIntToUnpaddedBytes } from '@ethereumjs/util';
import { keccak256 } from '../primitives/keccak.js';
import type { Hex, TxResult } from '../model/shapes.js';
import { bytesToHex, quantityToHex } from '../primitives/hex.js';
import { effectiveGasPrice, txMeta } from './tx-meta.js';

/**
 * Receipts in the JSON current geth t8n prints (core.MakeReceipt; types.Receipt and
 * types.Log marshalling): hex quantities, `type` omitted for legacy, `root` "0x" from
 * Byzantium on, `logs` an empty list when there are none, a zero contract address for
 * calls, and t8n's fixed block hash 0x1337… on receipts and logs.
 */
export interface GethLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  transactionHash: Hex;
  transactionIndex: Hex;
  blockHash: Hex;
  blockTimestamp: Hex;
  logIndex: Hex;
  removed: boolean;
}

export interface GethReceipt {
  type?: Hex;
  root: Hex;
  status: Hex;
  cumulativeGasUsed: Hex;
  logsBloom: Hex;
  logs: GethLog[];
  transactionHash: Hex;
  contractAddress: Hex;
  gasUsed: Hex;
  effectiveGasPrice: Hex | null;
  blobGasUsed?: Hex;
  blobGasPrice?: Hex;
  blockHash: Hex;
  blockNumber: Hex;
  transactionIndex: Hex;
}

const ZERO_ADDRESS = `0x${'00'.repeat(20)}` as Hex;
const BLOCK_HASH = `0x1337${'00'.repeat(30)}` as Hex;

/** CREATE address: keccak256(rlp([sender, nonce]))[12:], set whether or not the creation succeeded. */
export function createAddress(sender: Uint8Array, nonce: bigint): Uint8Array {
  return keccak256(RLP.encode([sender, bigIntToUnpaddedBytes(nonce)])).subarray(12);
}

export interface BlockInfo {
  number: bigint;
  timestamp: bigint;
  baseFee?: bigint;
}

export function gethReceipt(r: TxResult, raw: Uint8Array, transactionIndex: number, block: BlockInfo): GethReceipt {
  const meta = txMeta(raw);
  const txHash = bytesToHex(r.hash ?? keccak256(raw));
  const price = meta ? effectiveGasPrice(meta, block.baseFee) : undefined;
  return {
    ...(r.type !== 0n ? { type: quantityToHex(r.type) } : {}),
    root: r.root ? bytesToHex(r.root) : '0x',
    status: quantityToHex(r.status),
    cumulativeGasUsed: quantityToHex(r.cumulativeGasUsed),
    logsBloom: bytesToHex(r.logsBloom),
    logs: r.logs.map((l) => ({
      address: bytesToHex(l.address),
      topics: l.topics.map(bytesToHex),
      data: bytesToHex(l.data),
      blockNumber: quantityToHex(block.number),
      transactionHash: txHash,
      transactionIndex: quantityToHex(transactionIndex),
      blockHash: BLOCK_HASH,
      blockTimestamp: quantityToHex(block.timestamp),
      logIndex: quantityToHex(l.logIndex),
      removed: false,
    })),
    transactionHash: txHash,
    contractAddress: meta?.creates ? bytesToHex(createAddress(r.from, meta.nonce)) : ZERO_ADDRESS,
    gasUsed: quantityToHex(r.gasUsed),
    effectiveGasPrice: price === undefined ? null : quantityToHex(price),
    ...(r.blobGasUsed !== undefined ? { blobGasUsed: quantityToHex(r.blobGasUsed) } : {}),
    ...(r.blobGasPrice !== undefined ? { blobGasPrice: quantityToHex(r.blobGasPrice) } : {}),
    blockHash: BLOCK_HASH,
    blockNumber: quantityToHex(block.number),
    transactionIndex: quantityToHex(transactionIndex),
  };
}
