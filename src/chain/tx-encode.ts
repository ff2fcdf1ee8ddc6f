import { bigIntToUnpaddedBytes } from '@ethereumjs/util';
import { keccak256 } from '../primitives/keccak.js';
import { encodeItem, type RlpItem } from './rlp-write.js';

/**
 * Canonical transaction encodings (EIP-2718 envelopes, legacy RLP), written out field
 * by field rather than through @ethereumjs/tx: its constructors validate against a
 * fork (fee caps, init code size, blob counts), and a transaction that is invalid in
 * its block must still be encoded and signed so that the engine can reject it, as
 * geth's t8n does; and building one @ethereumjs/tx object per transaction costs more
 * than a chain's transactions root should (src/rollup/header.ts).
 */
/** An EIP-7702 authorization, signed. */
export interface AuthorizationTuple {
  chainId: bigint;
  address: Uint8Array;
  nonce: bigint;
  yParity: bigint;
  r: bigint;
  s: bigint;
}

export interface EncodableTx {
  type: number;
  /** Typed transactions only; legacy ones carry it in v (EIP-155). */
  chainId?: bigint;
  nonce: bigint;
  gas: bigint;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  to: Uint8Array | null;
  value: bigint;
  data: Uint8Array;
  accessList: [Uint8Array, Uint8Array[]][];
  maxFeePerBlobGas?: bigint;
  blobVersionedHashes: Uint8Array[];
  authorizationList: AuthorizationTuple[];
  v: bigint;
  r: bigint;
  s: bigint;
}

const n = bigIntToUnpaddedBytes;

/** Fields of the typed payload before the signature, in the EIP's order. */
function typedFields(tx: EncodableTx, chainId: bigint): RlpItem[] {
  const to = tx.to ?? new Uint8Array();
  const head = [n(chainId), n(tx.nonce)];
  const tail = [n(tx.gas), to, n(tx.value), tx.data, tx.accessList];
  switch (tx.type) {
    case 1:
      return [...head, n(tx.gasPrice!), ...tail];
    case 2:
      return [...head, n(tx.maxPriorityFeePerGas!), n(tx.maxFeePerGas!), ...tail];
    case 3:
      return [...head, n(tx.maxPriorityFeePerGas!), n(tx.maxFeePerGas!), ...tail, n(tx.maxFeePerBlobGas!), tx.blobVersionedHashes];
    case 4:
      return [
        ...head, n(tx.maxPriorityFeePerGas!), n(tx.maxFeePerGas!), ...tail,
        tx.authorizationList.map((a) => [n(a.chainId), a.address, n(a.nonce), n(a.yParity), n(a.r), n(a.s)]),
      ];
    default:
      throw new Error(`not a typed transaction: type ${tx.type}`);
  }
}

function legacyFields(tx: EncodableTx): RlpItem[] {
  return [n(tx.nonce), n(tx.gasPrice!), n(tx.gas), tx.to ?? new Uint8Array(), n(tx.value), tx.data];
}

/**
 * The hash a sender signs. `chainId` undefined means an unprotected (pre-EIP-155)
 * legacy signature.
 */
export function signingHash(tx: EncodableTx, chainId: bigint | undefined): Uint8Array {
  if (tx.type === 0) {
    const fields = legacyFields(tx);
    return keccak256(encodeItem(chainId === undefined ? fields : [...fields, n(chainId), new Uint8Array(), new Uint8Array()]));
  }
  return keccak256(encodeItem(typedFields(tx, chainId!), [tx.type]));
}

/** The signed transaction's bytes, as they go into a block (and into `raw` of a batch). */
export function encodeSigned(tx: EncodableTx): Uint8Array {
  if (tx.type === 0) return encodeItem([...legacyFields(tx), n(tx.v), n(tx.r), n(tx.s)]);
  return encodeItem([...typedFields(tx, tx.chainId ?? 0n), n(tx.v), n(tx.r), n(tx.s)], [tx.type]);
}
