import { Capability, type TypedTransaction } from '@ethereumjs/tx';
import { isRejection } from '../chain/transaction.js';
import type { Batch, UnsignedTx } from '../model/shapes.js';
import type { CpuTxExecutor } from './workers/cpu-executor.js';

/**
 * The fields the plain routes (GPU frame, host transfer) read, for every transaction
 * that has them at hand: unsigned ones as given; signed ones of type 0–2 once decoded
 * and their sender recovered. Recovery is serial on the main thread, so signed
 * transactions are only decoded up front in batches small enough for that to be
 * cheap; in larger ones the worker threads decode and run them in parallel.
 */
export const DECODE_SIGNED_UP_FRONT_MAX = 256;

export interface PlainTx {
  tx: UnsignedTx;
  /** Hash of a signed transaction (results carry it). */
  hash?: Uint8Array;
}

export function plainFields(batch: Batch, main: CpuTxExecutor): (PlainTx | undefined)[] {
  const signed = batch.txs.filter((t) => t.kind === 'raw').length;
  return batch.txs.map((input, i) => {
    if (input.kind === 'unsigned') return { tx: input.tx };
    if (signed > DECODE_SIGNED_UP_FRONT_MAX) return undefined;
    const p = main.preparedTx(i);
    if (isRejection(p) || p.tx.type > 2) return undefined;
    return { tx: fromDecoded(p.tx, p.sender.bytes), ...(p.hash ? { hash: p.hash } : {}) };
  });
}

function fromDecoded(tx: TypedTransaction, from: Uint8Array): UnsignedTx {
  const t = tx as TypedTransaction & { gasPrice?: bigint; maxFeePerGas?: bigint; maxPriorityFeePerGas?: bigint; accessList?: [Uint8Array, Uint8Array[]][] };
  return {
    type: BigInt(tx.type),
    from,
    to: tx.to?.bytes ?? null,
    nonce: tx.nonce,
    gas: tx.gasLimit,
    ...(tx.supports(Capability.EIP1559FeeMarket) ? { maxFeePerGas: t.maxFeePerGas, maxPriorityFeePerGas: t.maxPriorityFeePerGas } : { gasPrice: t.gasPrice }),
    value: tx.value,
    data: tx.data,
    ...(tx.supports(Capability.EIP2930AccessLists) ? { accessList: (t.accessList ?? []).map(([address, storageKeys]) => ({ address, storageKeys })) } : {}),
  };
}
