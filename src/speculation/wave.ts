import type { Common } from '@ethereumjs/common';
import type { GpuAccountState, GpuBlockContext, GpuCall, GpuCallExecutor, GpuCallResult, GpuStateSnapshot } from '../gpu/call-executor.js';
import type { UnsignedTx } from '../model/shapes.js';
import { bytesToHex, hexToBytes } from '../primitives/hex.js';
import { effectiveGasPrice, intrinsicGas, type TxGasSchedule } from './host-rules.js';
import type { WorldState } from './world-state.js';

/**
 * The speculative GPU wave of engine `auto`: the top-level frame of every plain call
 * (unsigned type 0/1/2 to an account with code) runs at once against the batch's
 * starting state. Building each frame's inputs needs no ethereumjs transaction object:
 * the frame's gas is the gas limit less the intrinsic gas, and its warm set what
 * runTx warms (precompiles, sender, callee, coinbase from Shanghai, access list).
 */
export interface WaveFrame {
  call: GpuCall;
  result: GpuCallResult;
}

export interface Wave {
  snapshot: GpuStateSnapshot;
  frames: Map<number, WaveFrame>;
}

const DELEGATION_PREFIX = [0xef, 0x01, 0x00];
const isDelegation = (code: Uint8Array) => code.length === 23 && DELEGATION_PREFIX.every((b, i) => code[i] === b);

/** The starting state in the executor's form. */
export function snapshotWorld(world: WorldState): GpuStateSnapshot {
  const accounts = new Map<string, GpuAccountState>();
  for (const [addr, a] of world.entries()) accounts.set(addr, a);
  return { accounts };
}

const precompileCache = new WeakMap<Set<string>, Uint8Array[]>();
function precompileBytes(precompiles: Set<string>): Uint8Array[] {
  let b = precompileCache.get(precompiles);
  if (!b) precompileCache.set(precompiles, (b = [...precompiles].map(hexToBytes)));
  return b;
}

/** The frame transaction `tx` starts, when it is a plain call to code; else undefined. */
export function plainCallFrame(tx: UnsignedTx, snapshot: GpuStateSnapshot, common: Common, gasSchedule: TxGasSchedule, block: GpuBlockContext, precompiles: Set<string>): GpuCall | undefined {
  if (tx.type > 2n || !tx.to || tx.authorizationList) return undefined;
  const to = bytesToHex(tx.to);
  if (precompiles.has(to)) return undefined;
  const code = snapshot.accounts.get(to)?.code;
  if (!code || code.length === 0 || isDelegation(code)) return undefined;
  const { intrinsic } = intrinsicGas(gasSchedule, tx);
  const gas = tx.gas - intrinsic;
  const gasPrice = effectiveGasPrice(tx, block.baseFee, gasSchedule.london);
  if (gas < 0n || gas >= 2n ** 63n || gasPrice === undefined) return undefined;
  // The warm set as runTx builds it; duplicates are harmless to the kernel's warm table.
  const warmAddresses = [...precompileBytes(precompiles), tx.from, tx.to];
  if (common.isActivatedEIP(3651)) warmAddresses.push(block.coinbase);
  const warmSlots: GpuCall['warmSlots'] = [];
  for (const e of tx.accessList ?? []) {
    warmAddresses.push(e.address);
    for (const k of e.storageKeys) warmSlots.push({ address: e.address, slot: BigInt(bytesToHex(k)) });
  }
  return {
    address: tx.to,
    caller: tx.from,
    origin: tx.from,
    value: tx.value,
    data: tx.data,
    gasPrice,
    gas,
    code,
    isCreate: false,
    warmAddresses,
    warmSlots,
    blobVersionedHashes: [],
  };
}

/** The frames of the batch's plain calls, by transaction index. */
export function waveCalls(plain: (UnsignedTx | undefined)[], snapshot: GpuStateSnapshot, common: Common, gasSchedule: TxGasSchedule, block: GpuBlockContext, precompiles: Set<string>): Map<number, GpuCall> {
  const calls = new Map<number, GpuCall>();
  plain.forEach((tx, index) => {
    const call = tx && plainCallFrame(tx, snapshot, common, gasSchedule, block, precompiles);
    if (call) calls.set(index, call);
  });
  return calls;
}

/** Runs every frame at once against `snapshot`. */
export async function runWave(snapshot: GpuStateSnapshot, block: GpuBlockContext, calls: Map<number, GpuCall>, executor: GpuCallExecutor): Promise<Wave> {
  const frames = new Map<number, WaveFrame>();
  if (calls.size === 0) return { snapshot, frames };
  const results = await executor.execute(block, snapshot, [...calls.values()]);
  let i = 0;
  for (const [index, call] of calls) frames.set(index, { call, result: results[i++] });
  return { snapshot, frames };
}
