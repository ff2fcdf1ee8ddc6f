import { Transaction } from 'micro-eth-signer';
import type { Hex, UnsignedTxShape, WireBatch } from '../../src/model/shapes.js';
import { keyOf } from './keys.js';

type Unsigned = UnsignedTxShape<Hex, Hex>;

export const signing = { count: 0, ms: 0 };

/**
 * Canonical signed bytes of a workload transaction, signed with its sender's derived key.
 * RFC 6979 nonces without extra entropy, so the same batch always signs to the same bytes.
 * Only the types the generators produce (EIP-1559 and legacy) are handled: anything else
 * throws rather than being signed as something it is not.
 */
export function signTx(tx: Unsigned, chainId: bigint): Hex {
  const t = performance.now();
  if (tx.to === null) throw new Error('signTx: the workloads create no contracts, so there is no creation to sign');
  const common = {
    to: tx.to, nonce: BigInt(tx.nonce), gasLimit: BigInt(tx.gas),
    value: BigInt(tx.value ?? '0x0'), data: tx.data ?? '0x',
  };
  const explicit = tx.type === undefined ? undefined : Number(tx.type);
  let prepared;
  if (tx.maxFeePerGas !== undefined && (explicit === undefined || explicit === 2)) {
    prepared = Transaction.prepare({
      type: 'eip1559', ...common, chainId, accessList: [],
      maxFeePerGas: BigInt(tx.maxFeePerGas), maxPriorityFeePerGas: BigInt(tx.maxPriorityFeePerGas ?? '0x0'),
    }, false);
  } else if (tx.gasPrice !== undefined && !tx.accessList && (explicit === undefined || explicit === 0)) {
    prepared = Transaction.prepare({ type: 'legacy', ...common, chainId, gasPrice: BigInt(tx.gasPrice) }, false);
  } else {
    throw new Error(`signTx: transaction type ${tx.type ?? 'inferred'} with these fields is not one the workloads generate`);
  }
  const raw = prepared.signBy(keyOf(tx.from), false).toHex();
  signing.ms += performance.now() - t;
  signing.count++;
  return (raw.startsWith('0x') ? raw : `0x${raw}`) as Hex;
}

/** The same batch with every transaction as `{raw}`, signed by its sender's key. */
export function signedBatch(batch: WireBatch): WireBatch {
  const chainId = BigInt(batch.env.chainId);
  return {
    ...batch,
    txs: batch.txs.map((tx) => ('raw' in tx ? tx : { raw: signTx(tx, chainId) })),
  };
}
