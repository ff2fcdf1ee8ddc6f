import type { Common } from '@ethereumjs/common';
import { createTx, createTxFromRLP, type TypedTransaction } from '@ethereumjs/tx';
import { Address } from '@ethereumjs/util';
import type { TxInput, UnsignedTx } from '../model/shapes.js';
import { bigintToMinimalBytes } from '../primitives/hex.js';
import { classifyRejection, type Rejection } from './rejections.js';
import { txCommon } from './tx-common.js';

/**
 * Batch transaction -> ethereumjs transaction. Unsigned (sequencer-trusted) ones get
 * their sender attached directly, so no signature is needed; signed ones are decoded
 * and their sender recovered. An input that cannot become a valid transaction at this
 * fork is a rejection, not a request error (as geth's t8n treats it).
 */
export interface PreparedTx {
  tx: TypedTransaction;
  sender: Address;
  /** Hash of the signed transaction; undefined for unsigned inputs. */
  hash?: Uint8Array;
}

function toTxData(t: UnsignedTx, chainId: bigint) {
  return {
    type: Number(t.type),
    nonce: t.nonce,
    gasLimit: t.gas,
    gasPrice: t.gasPrice,
    maxFeePerGas: t.maxFeePerGas,
    maxPriorityFeePerGas: t.maxPriorityFeePerGas,
    to: t.to ?? undefined,
    value: t.value,
    data: t.data,
    chainId: t.chainId ?? chainId,
    accessList: t.accessList?.map((e) => [e.address, e.storageKeys] as [Uint8Array, Uint8Array[]]),
    maxFeePerBlobGas: t.maxFeePerBlobGas,
    blobVersionedHashes: t.blobVersionedHashes,
    authorizationList: t.authorizationList?.map((a) => [
      bigintToMinimalBytes(a.chainId), a.address, bigintToMinimalBytes(a.nonce), bigintToMinimalBytes(a.yParity), bigintToMinimalBytes(a.r), bigintToMinimalBytes(a.s),
    ]),
  };
}

export function prepareTx(input: TxInput, common: Common): PreparedTx | Rejection {
  if (input.kind === 'raw') {
    let tx: TypedTransaction;
    try {
      tx = createTxFromRLP(input.raw, { common: txCommon(common) });
    } catch (e) {
      return classifyRejection(e, 'TX_DECODE');
    }
    try {
      return { tx, sender: tx.getSenderAddress(), hash: tx.hash() };
    } catch (e) {
      return classifyRejection(e, 'TX_INVALID_SIGNATURE');
    }
  }
  try {
    const tx = createTx(toTxData(input.tx, common.chainId()) as never, { common: txCommon(common), freeze: false });
    const sender = new Address(input.tx.from);
    // The sender is given by the (trusted) submitter instead of a signature.
    (tx as unknown as { getSenderAddress: () => Address }).getSenderAddress = () => sender;
    return { tx, sender };
  } catch (e) {
    return classifyRejection(e);
  }
}

/**
 * A signed transaction whose sender was already recovered elsewhere (a worker thread):
 * decoded again, which is cheap, with the known sender pinned instead of recovering
 * it a second time, which is not.
 */
export function prepareRecovered(raw: Uint8Array, common: Common, sender: Uint8Array): PreparedTx | Rejection {
  try {
    const tx = createTxFromRLP(raw, { common: txCommon(common) });
    const address = new Address(sender);
    (tx as unknown as { getSenderAddress: () => Address }).getSenderAddress = () => address;
    return { tx, sender: address, hash: tx.hash() };
  } catch (e) {
    return classifyRejection(e, 'TX_DECODE');
  }
}

export function isRejection(x: PreparedTx | Rejection): x is Rejection {
  return (x as Rejection).code !== undefined;
}
