import type { Block } from '@ethereumjs/block';
import type { Common } from '@ethereumjs/common';
import { Capability, isBlob4844Tx, type TypedTransaction } from '@ethereumjs/tx';
import { bytesToHex, bytesToUnprefixedHex, createContractAddress, type Address as AddressType } from '@ethereumjs/util';
import { hexToBytes } from '../primitives/hex.js';
import type { GpuCall, GpuCallResult, GpuStateSnapshot } from './call-executor.js';

/**
 * Predicts, before the sequential pass, the top-level frame each transaction will
 * run, so all of them can execute on the GPU in one wave against the batch's starting
 * state. A prediction is only a guess: the bridge uses its result only when the frame
 * ethereumjs actually starts has exactly the predicted inputs and every state value
 * the frame read is unchanged (see `readsStillValid`). A wrong guess costs a rerun,
 * never a wrong result.
 */
const DELEGATION_PREFIX = [0xef, 0x01, 0x00];

function resolveCode(snapshot: GpuStateSnapshot, address: Uint8Array): Uint8Array {
  const code = snapshot.accounts.get(bytesToHex(address))?.code ?? new Uint8Array(0);
  // EIP-7702: a delegated account runs its delegate's code.
  if (code.length === 23 && DELEGATION_PREFIX.every((b, i) => code[i] === b)) {
    return snapshot.accounts.get(bytesToHex(code.subarray(3)))?.code ?? new Uint8Array(0);
  }
  return code;
}

function effectiveGasPrice(tx: TypedTransaction, baseFee: bigint): bigint {
  if (tx.supports(Capability.EIP1559FeeMarket)) return tx.getEffectivePriorityFee(baseFee) + baseFee;
  return (tx as { gasPrice: bigint }).gasPrice;
}

export interface FramePredictionInput {
  tx: TypedTransaction;
  sender: AddressType;
  common: Common;
  block: Block;
  /** Addresses every transaction starts warm with (precompiles), lowercase unprefixed hex. */
  precompiles: string[];
}

/** The frame `tx` is expected to run, or undefined when it runs no code or cannot be predicted. */
export function predictFrame({ tx, sender, common, block, precompiles }: FramePredictionInput, snapshot: GpuStateSnapshot): GpuCall | undefined {
  // EIP-7702 authorizations rewrite code and nonces before the frame: not predicted.
  if (tx.supports(Capability.EIP7702EOACode)) return undefined;
  const gas = tx.gasLimit - tx.getIntrinsicGas();
  if (gas < 0n) return undefined;
  const isCreate = tx.to === undefined;
  const address = isCreate ? createContractAddress(sender, tx.nonce).bytes : tx.to!.bytes;
  const code = isCreate ? tx.data : resolveCode(snapshot, address);
  if (code.length === 0) return undefined;

  const warm = new Set<string>(precompiles);
  warm.add(bytesToUnprefixedHex(sender.bytes));
  warm.add(bytesToUnprefixedHex(address));
  if (common.isActivatedEIP(3651)) warm.add(bytesToUnprefixedHex(block.header.coinbase.bytes));
  const warmSlots: GpuCall['warmSlots'] = [];
  if (tx.supports(Capability.EIP2930AccessLists)) {
    for (const [addr, slots] of (tx as unknown as { accessList: [Uint8Array, Uint8Array[]][] }).accessList) {
      warm.add(bytesToUnprefixedHex(addr));
      for (const s of slots) warmSlots.push({ address: addr, slot: BigInt(bytesToHex(s)) });
    }
  }
  return {
    address,
    caller: sender.bytes,
    origin: sender.bytes,
    value: tx.value,
    data: isCreate ? new Uint8Array(0) : tx.data,
    gasPrice: effectiveGasPrice(tx, block.header.baseFeePerGas ?? 0n),
    gas,
    code,
    isCreate,
    warmAddresses: [...warm].map((h) => hexToBytes(`0x${h}`)),
    warmSlots,
    blobVersionedHashes: isBlob4844Tx(tx) ? tx.blobVersionedHashes.map(hexToBytes) : [],
  };
}

const keyOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

/** Whether two frames have identical inputs (warm sets compared as sets). */
export function sameFrame(a: GpuCall, b: GpuCall): boolean {
  if (a.isCreate !== b.isCreate || a.value !== b.value || a.gas !== b.gas || a.gasPrice !== b.gasPrice) return false;
  for (const k of ['address', 'caller', 'origin', 'data', 'code'] as const) if (!sameBytes(a[k], b[k])) return false;
  const set = (xs: string[]) => new Set(xs);
  const eqSet = (x: Set<string>, y: Set<string>) => x.size === y.size && [...x].every((v) => y.has(v));
  if (!eqSet(set(a.warmAddresses.map(keyOf)), set(b.warmAddresses.map(keyOf)))) return false;
  const slotKeys = (c: GpuCall) => set(c.warmSlots.map((s) => `${keyOf(s.address)}:${s.slot.toString(16)}`));
  if (!eqSet(slotKeys(a), slotKeys(b))) return false;
  return a.blobVersionedHashes.length === b.blobVersionedHashes.length && a.blobVersionedHashes.every((h, i) => sameBytes(h, b.blobVersionedHashes[i]));
}

/** The state a prediction ran against, as reads: the bridge compares them with the state now. */
export interface ReadCheck {
  storage(address: Uint8Array, slot: bigint): Promise<bigint>;
  account(address: Uint8Array): Promise<{ balance: bigint; nonce: bigint; codeHash: Uint8Array } | undefined>;
}

/** True when every value `result` read from `snapshot` still holds in the current state. */
export async function readsStillValid(result: GpuCallResult, snapshot: GpuStateSnapshot, now: ReadCheck): Promise<boolean> {
  for (const r of result.storageReads) {
    if ((await now.storage(r.address, r.slot)) !== r.value) return false;
  }
  // The kernel lists every account whose fields it read from the snapshot, its own included (SELFBALANCE).
  for (const address of result.accountReads) {
    const then = snapshot.accounts.get(bytesToHex(address));
    const current = await now.account(address);
    if (!then || !current) {
      if (then || current) return false;
      continue;
    }
    if (then.balance !== current.balance || then.nonce !== current.nonce || !sameBytes(then.codeHash, current.codeHash)) return false;
  }
  return true;
}
