import type { Common } from '@ethereumjs/common';
import { createContractAddress, Address } from '@ethereumjs/util';
import type { BloomBatch } from '../chain/bloom-batch.js';
import { effectiveGasPrice, intrinsicGas, txGasSchedule, type TxGasSchedule } from '../evm/tx-rules.js';
import { bytesToHex, hexToBytes } from '../primitives/hex.js';
import type { TxView } from './tx-view.js';

/**
 * The host's transaction rules for one batch: what runTx does around a transaction's
 * frame (validation, fees, nonce, value, EIP-7702 authorizations, refunds, settlement)
 * done directly on the committed state, so that a frame run on the GPU, or a value
 * transfer that runs no frame, commits without @ethereumjs/vm. They cover the plain
 * cases only: anything off the plain path answers undefined and the transaction runs
 * on @ethereumjs/vm, so rejections and odd cases keep the reference's exact behaviour.
 */
export interface HostRules {
  gas: TxGasSchedule;
  /** Receipts' blooms, filled in one batch once the block is assembled. */
  blooms: BloomBatch;
  baseFee: bigint;
  blobBaseFee: bigint;
  chainId: bigint;
  blockGasLimit: bigint;
  /** Active precompiles, lowercase 0x-hex (runTx warms them; a transaction to one is not plain). */
  precompiles: Set<string>;
  /** Warm at every frame's start: the precompiles, and the coinbase from Shanghai (EIP-3651). */
  alwaysWarm: Uint8Array[];
  /** EIP-7702 is active: delegated senders and callees, authorizations. */
  delegation: boolean;
  /** EIP-3541 (London): new code may not start with 0xEF. */
  rejectEfCode: boolean;
  /** EIP-6780 (Cancun): SELFDESTRUCT deletes only an account created in the same transaction. */
  destroysOnlyCreated: boolean;
  /** Lowercase 0x-hex. */
  coinbase: string;
}

export function hostRules(common: Common, env: { coinbase: Uint8Array; baseFee?: bigint; chainId: bigint; gasLimit: bigint }, blobBaseFee: bigint, precompiles: Set<string>, blooms: BloomBatch): HostRules {
  const alwaysWarm = [...precompiles].map(hexToBytes);
  if (common.isActivatedEIP(3651)) alwaysWarm.push(env.coinbase);
  return {
    gas: txGasSchedule(common),
    blooms,
    baseFee: env.baseFee ?? 0n,
    blobBaseFee,
    chainId: env.chainId,
    blockGasLimit: env.gasLimit,
    precompiles,
    alwaysWarm,
    delegation: common.isActivatedEIP(7702),
    rejectEfCode: common.isActivatedEIP(3541),
    destroysOnlyCreated: common.isActivatedEIP(6780),
    coinbase: bytesToHex(env.coinbase),
  };
}

/** What a transaction's frame is, as far as the transaction alone says: no state read. */
export interface TxInputs {
  from: string;
  /** The callee; for a create, the new contract's address (from the sender and the transaction's nonce). */
  to: string;
  isCreate: boolean;
  intrinsic: bigint;
  floor: bigint;
  gasPrice: bigint;
  /** Of gasPrice, what the coinbase earns per gas. */
  minerPerGas: bigint;
  /** Gas the frame gets. */
  frameGas: bigint;
  blobGas: bigint;
}

/**
 * The transaction's frame inputs, or undefined when the transaction is off the plain
 * path whatever the state: a type or field the rules do not cover, too little gas, a
 * fee cap under the base fee, a precompile as callee, or values
 * ethereumjs refuses when it decodes the transaction.
 */
export function txInputs(r: HostRules, view: TxView): TxInputs | undefined {
  const { tx } = view;
  if (tx.type > 4n || (tx.type === 4n && !r.delegation) || (tx.type >= 3n && !tx.to)) return undefined;
  if (tx.chainId !== undefined && tx.chainId !== r.chainId) return undefined;
  if (tx.gas > r.blockGasLimit || tx.gas >= 2n ** 64n || tx.nonce >= 2n ** 64n - 1n) return undefined;
  if (tx.type >= 2n && tx.maxPriorityFeePerGas! > tx.maxFeePerGas!) return undefined;
  const gasPrice = effectiveGasPrice(tx, r.baseFee, r.gas.london);
  if (gasPrice === undefined) return undefined;
  const maxCostPerGas = tx.type >= 2n ? tx.maxFeePerGas! : gasPrice;
  // ethereumjs refuses these at decode time; its own messages are the reference's.
  if (tx.gas * maxCostPerGas + tx.value >= 2n ** 256n) return undefined;
  if (tx.type === 3n && (tx.maxFeePerBlobGas === undefined || tx.maxFeePerBlobGas < r.blobBaseFee || !tx.blobVersionedHashes?.length)) return undefined;
  if (tx.type === 4n && !tx.authorizationList?.length) return undefined;
  const isCreate = !tx.to;
  if (isCreate && r.gas.maxInitCodeSize !== undefined && tx.data.length > r.gas.maxInitCodeSize) return undefined;
  const { intrinsic, floor } = intrinsicGas(r.gas, tx);
  if (tx.gas < intrinsic || tx.gas < floor) return undefined;
  const from = bytesToHex(tx.from);
  const to = isCreate ? createContractAddress(new Address(tx.from), tx.nonce).toString() : bytesToHex(tx.to!);
  if (r.precompiles.has(to)) return undefined;
  return {
    from,
    to,
    isCreate,
    intrinsic,
    floor,
    gasPrice,
    minerPerGas: r.gas.london ? gasPrice - r.baseFee : gasPrice,
    frameGas: tx.gas - intrinsic,
    blobGas: r.gas.blobGasPerBlob * BigInt(tx.blobVersionedHashes?.length ?? 0),
  };
}
