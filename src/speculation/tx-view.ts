import { Capability, type TypedTransaction } from '@ethereumjs/tx';
import { eoaCode7702RecoverAuthority, SECP256K1_ORDER_DIV_2 } from '@ethereumjs/util';
import { isRejection } from '../chain/transaction.js';
import { bigintToMinimalBytes } from '../primitives/hex.js';
import type { Batch, UnsignedTx } from '../model/shapes.js';
import type { CpuTxExecutor } from './workers/cpu-executor.js';

/**
 * The fields the host's transaction rules and the GPU call builder read, for every
 * transaction that has them at hand: unsigned ones as given; signed ones once decoded
 * and their sender recovered. Recovery is serial on the main thread, so signed
 * transactions are decoded up front only when the engine says so (`decodeSignedUpTo`):
 * with worker threads, large batches leave decoding and running to the workers.
 */
export interface TxView {
  tx: UnsignedTx;
  /** Hash of a signed transaction (results carry it). */
  hash?: Uint8Array;
  /**
   * EIP-7702: each authorization's authority, recovered, or undefined where a check
   * that does not depend on state fails (chain id, nonce bound, s, y parity,
   * signature): runTx skips those without warming anything.
   */
  authorities?: (Uint8Array | undefined)[];
}

export function txViews(batch: Batch, main: CpuTxExecutor, decodeSignedUpTo: number): (TxView | undefined)[] {
  const signed = batch.txs.filter((t) => t.kind === 'raw').length;
  return batch.txs.map((input, i) => {
    let view: TxView;
    if (input.kind === 'unsigned') view = { tx: input.tx };
    else {
      if (signed > decodeSignedUpTo) return undefined;
      const p = main.preparedTx(i);
      if (isRejection(p)) return undefined;
      view = { tx: fromDecoded(p.tx, p.sender.bytes), ...(p.hash ? { hash: p.hash } : {}) };
    }
    if (view.tx.authorizationList) view.authorities = recoverAuthorities(view.tx, batch.env.chainId);
    return view;
  });
}

function recoverAuthorities(tx: UnsignedTx, chainId: bigint): (Uint8Array | undefined)[] {
  return tx.authorizationList!.map((a) => {
    if ((a.chainId !== 0n && a.chainId !== chainId) || a.nonce >= 2n ** 64n - 1n || a.s > SECP256K1_ORDER_DIV_2 || a.yParity > 1n) return undefined;
    try {
      return eoaCode7702RecoverAuthority([bigintToMinimalBytes(a.chainId), a.address, bigintToMinimalBytes(a.nonce), bigintToMinimalBytes(a.yParity), bigintToMinimalBytes(a.r), bigintToMinimalBytes(a.s)]).bytes;
    } catch {
      return undefined;
    }
  });
}

function fromDecoded(tx: TypedTransaction, from: Uint8Array): UnsignedTx {
  const t = tx as TypedTransaction & {
    gasPrice?: bigint;
    maxFeePerGas?: bigint;
    maxPriorityFeePerGas?: bigint;
    accessList?: [Uint8Array, Uint8Array[]][];
    maxFeePerBlobGas?: bigint;
    blobVersionedHashes?: string[];
    authorizationList?: Uint8Array[][];
  };
  const n = (b: Uint8Array) => (b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`));
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
    ...(t.maxFeePerBlobGas !== undefined ? { maxFeePerBlobGas: t.maxFeePerBlobGas, blobVersionedHashes: (t.blobVersionedHashes ?? []).map((h) => Uint8Array.from(Buffer.from(h.slice(2), 'hex'))) } : {}),
    ...(t.authorizationList
      ? { authorizationList: t.authorizationList.map(([chainId, address, nonce, yParity, r, s]) => ({ chainId: n(chainId), address, nonce: n(nonce), yParity: n(yParity), r: n(r), s: n(s) })) }
      : {}),
  };
}
