import { RLP } from '@ethereumjs/rlp';
import { bigIntToUnpaddedBytes } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { Hex, TxResult } from '../model/shapes.js';
import { bytesToHex, quantityToHex } from '../wire/hex.js';
import { effectiveGasPrice, txMeta } from './tx-meta.js';

/**
 * Receipts in the JSON geth's t8n prints (types.Receipt, types.Log): hex quantities,
 * `type` omitted for legacy, `root` "0x" from Byzantium on, `logs` null when there are
 * none, a zero contract address for calls, and the placeholder block hashes geth uses
 * (receipts: zero; logs: 0x1337…, the hash t8n's state database stamps on them).
 */
export interface GethLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  transactionHash: Hex;
  transactionIndex: Hex;
  blockHash: Hex;
  logIndex: Hex;
  removed: boolean;
}

export interface GethReceipt {
  type?: Hex;
  root: Hex;
  status: Hex;
  cumulativeGasUsed: Hex;
  logsBloom: Hex;
  logs: GethLog[] | null;
  transactionHash: Hex;
  contractAddress: Hex;
  gasUsed: Hex;
  effectiveGasPrice: Hex | null;
  blobGasUsed?: Hex;
  blobGasPrice?: Hex;
  blockHash: Hex;
  transactionIndex: Hex;
}

const ZERO_HASH = `0x${'00'.repeat(32)}` as Hex;
const ZERO_ADDRESS = `0x${'00'.repeat(20)}` as Hex;
const LOG_BLOCK_HASH = `0x1337${'00'.repeat(30)}` as Hex;

/** CREATE address: keccak256(rlp([sender, nonce]))[12:], set whether or not the creation succeeded. */
export function createAddress(sender: Uint8Array, nonce: bigint): Uint8Array {
  return keccak_256(RLP.encode([sender, bigIntToUnpaddedBytes(nonce)])).subarray(12);
}

export function gethReceipt(
  r: TxResult,
  raw: Uint8Array,
  transactionIndex: number,
  blockNumber: bigint,
  baseFee: bigint | undefined,
): GethReceipt {
  const meta = txMeta(raw);
  const txHash = bytesToHex(r.hash ?? keccak_256(raw));
  const price = meta ? effectiveGasPrice(meta, baseFee) : undefined;
  return {
    ...(r.type !== 0n ? { type: quantityToHex(r.type) } : {}),
    root: r.root ? bytesToHex(r.root) : '0x',
    status: quantityToHex(r.status),
    cumulativeGasUsed: quantityToHex(r.cumulativeGasUsed),
    logsBloom: bytesToHex(r.logsBloom),
    logs: r.logs.length === 0
      ? null
      : r.logs.map((l) => ({
        address: bytesToHex(l.address),
        topics: l.topics.map(bytesToHex),
        data: bytesToHex(l.data),
        blockNumber: quantityToHex(blockNumber),
        transactionHash: txHash,
        transactionIndex: quantityToHex(transactionIndex),
        blockHash: LOG_BLOCK_HASH,
        logIndex: quantityToHex(l.logIndex),
        removed: false,
      })),
    transactionHash: txHash,
    contractAddress: meta?.creates ? bytesToHex(createAddress(r.from, meta.nonce)) : ZERO_ADDRESS,
    gasUsed: quantityToHex(r.gasUsed),
    effectiveGasPrice: price === undefined ? null : quantityToHex(price),
    ...(r.blobGasUsed !== undefined ? { blobGasUsed: quantityToHex(r.blobGasUsed) } : {}),
    ...(r.blobGasPrice !== undefined ? { blobGasPrice: quantityToHex(r.blobGasPrice) } : {}),
    blockHash: ZERO_HASH,
    transactionIndex: quantityToHex(transactionIndex),
  };
}
