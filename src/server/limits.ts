import { RLP } from '@ethereumjs/rlp';
import { ServiceError } from '../errors/service-error.js';
import type { Hex, WireBatch } from '../model/shapes.js';
import { hexToBytes, hexToQuantity } from '../primitives/hex.js';

/**
 * Per-batch limits, checked on the wire form before any transaction is converted or
 * executed, so an oversized batch costs the server as little as possible.
 */
export interface BatchLimits {
  maxTxs: number;
  maxBatchGas: number;
}

/** Only needs `txs` to be an array: runs before schema validation, on the raw body. */
export function checkTxCount(body: unknown, limits: BatchLimits): void {
  const txs = (body as { txs?: unknown } | null)?.txs;
  if (Array.isArray(txs) && txs.length > limits.maxTxs) {
    throw new ServiceError('TOO_MANY_TXS', [txs.length, limits.maxTxs], [{ path: '/txs', message: `at most ${limits.maxTxs} transactions per batch` }]);
  }
}

/** Position of the gas limit in the RLP list of each transaction type (EIP-2718 type byte, or legacy). */
const GAS_INDEX: Record<number, number> = { 1: 3, 2: 4, 3: 4, 4: 4 };

/**
 * The gas limit a signed transaction declares. Bytes that do not decode count as 0:
 * the engine rejects them (TX_DECODE) without executing anything.
 */
export function rawTxGas(raw: Hex): bigint {
  try {
    const bytes = hexToBytes(raw);
    if (bytes.length === 0) return 0n;
    const typed = bytes[0] < 0x80;
    const index = typed ? GAS_INDEX[bytes[0]] : 2;
    if (index === undefined) return 0n;
    const fields = RLP.decode(typed ? bytes.subarray(1) : bytes);
    const gas = Array.isArray(fields) ? fields[index] : undefined;
    if (!(gas instanceof Uint8Array) || gas.length > 32) return 0n;
    return gas.length === 0 ? 0n : BigInt(`0x${Buffer.from(gas).toString('hex')}`);
  } catch {
    return 0n;
  }
}

/** Needs a schema-valid batch. Returns the declared total (within the limit, so a safe integer). */
export function checkBatchGas(batch: WireBatch, limits: BatchLimits): number {
  let total = 0n;
  for (const tx of batch.txs) total += 'raw' in tx ? rawTxGas(tx.raw) : hexToQuantity(tx.gas);
  if (total > BigInt(limits.maxBatchGas)) {
    throw new ServiceError('BATCH_GAS_TOO_HIGH', [total, limits.maxBatchGas], [{ path: '/txs', message: `declared gas limits sum to ${total}; at most ${limits.maxBatchGas} per batch` }]);
  }
  return Number(total);
}
