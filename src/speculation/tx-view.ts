import { Capability, type TypedTransaction } from '@ethereumjs/tx';
import { eoaCode7702RecoverAuthority, SECP256K1_ORDER_DIV_2 } from '@ethereumjs/util';
import { isRejection } from '../chain/transaction.js';
import { bigintToMinimalBytes } from '../primitives/hex.js';
import type { Batch, UnsignedTx } from '../model/shapes.js';
import type { CpuTxExecutor } from './workers/cpu-executor.js';
import type { DecodedTx, SharedBatch } from './workers/share.js';
import type { CpuWorkerPool } from './workers/worker-pool.js';

/**
 * The fields the host's transaction rules and the GPU call builder read, for every
 * transaction that has them at hand: unsigned ones as given; signed ones once decoded
 * and their sender recovered. Recovering a sender costs about half a millisecond, so in
 * batches with many signed transactions the worker threads recover them in parallel.
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

export interface ViewOptions {
  /** Signed transactions are decoded on the main thread when the batch has at most this many. */
  decodeSignedUpTo: number;
  /** Beyond that, the worker pool recovers their senders, in parallel; without one they get no view. */
  pool?: CpuWorkerPool;
  /** The batch as the workers read it. */
  shared: () => SharedBatch;
}

export async function txViews(batch: Batch, main: CpuTxExecutor, o: ViewOptions): Promise<(TxView | undefined)[]> {
  const signed = batch.txs.flatMap((t, i) => (t.kind === 'raw' ? [i] : []));
  const onMain = signed.length <= o.decodeSignedUpTo;
  const recovered = onMain || !o.pool ? new Map<number, TxView>() : await recoverOnWorkers(o.pool, main, signed, o.shared);
  return batch.txs.map((input, i) => {
    let view: TxView | undefined;
    if (input.kind === 'unsigned') view = { tx: input.tx };
    else if (onMain) {
      const p = main.preparedTx(i);
      view = isRejection(p) ? undefined : { tx: fromDecoded(p.tx, p.sender.bytes), ...(p.hash ? { hash: p.hash } : {}) };
    } else view = recovered.get(i);
    if (view?.tx.authorizationList) view.authorities = recoverAuthorities(view.tx, batch.env.chainId);
    return view;
  });
}

/** Senders recovered by the pool, a few tasks per thread; the main thread adopts them so it never recovers one again. */
async function recoverOnWorkers(pool: CpuWorkerPool, main: CpuTxExecutor, signed: number[], shared: () => SharedBatch): Promise<Map<number, TxView>> {
  const per = Math.ceil(signed.length / (pool.threads * 4));
  const tasks: Promise<DecodedTx[]>[] = [];
  for (let k = 0; k < signed.length; k += per) tasks.push(pool.decode({ ...shared(), indices: signed.slice(k, k + per) }));
  const views = new Map<number, TxView>();
  for (const decoded of await Promise.all(tasks)) {
    for (const d of decoded) {
      if (!d.sender || !d.tx) continue;
      main.adoptSender(d.index, d.sender);
      views.set(d.index, { tx: d.tx, ...(d.hash ? { hash: d.hash } : {}) });
    }
  }
  return views;
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

/** A decoded transaction's fields in the batch's own form. */
export function fromDecoded(tx: TypedTransaction, from: Uint8Array): UnsignedTx {
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
