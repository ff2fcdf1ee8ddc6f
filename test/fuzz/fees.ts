import { hex32, quantity } from '../../bench/workloads/common.js';
import { forkAtLeast, type Fork } from '../../src/model/fork.js';
import type { AccessListEntryShape, Hex, UnsignedTxShape } from '../../src/model/shapes.js';
import type { xorshift32 } from '../support/xorshift.js';

/**
 * Transaction types, fee fields and access lists of the generated transactions: drawn
 * per transaction, valid for the batch's fork and base fee (the invalid ones are made
 * on purpose elsewhere).
 */
type Rng = ReturnType<typeof xorshift32>;

export function txType(r: Rng, fork: Fork): number {
  return forkAtLeast(fork, 'London') ? r.pick([0, 1, 2, 2, 2]) : r.pick([0, 1]);
}

export function fees(r: Rng, type: number, baseFee: bigint | undefined): Partial<UnsignedTxShape<Hex, Hex>> {
  const base = baseFee ?? 0n;
  if (type < 2) return { gasPrice: quantity(base + 1n + BigInt(r.below(5))) };
  const maxFee = base + BigInt(r.below(20));
  const tip = BigInt(r.below(4));
  return { maxFeePerGas: quantity(maxFee), maxPriorityFeePerGas: quantity(tip > maxFee ? maxFee : tip) };
}

/**
 * An access list for type 1 (always) and type 2 (sometimes), and the intrinsic gas it
 * adds: the target with some of the slots `0..slots-1`, sometimes one of `others`.
 */
export function accessList(r: Rng, type: number, to: Hex | null, slots: number, others: Hex[]): { accessList?: AccessListEntryShape<Hex>[]; cost: bigint } {
  if (type === 0 || (type >= 2 && r.below(100) >= 30)) return { cost: 0n };
  const list: AccessListEntryShape<Hex>[] = [];
  if (to && r.below(100) < 70) list.push({ address: to, storageKeys: Array.from({ length: r.below(3) }, () => `0x${hex32(BigInt(r.below(slots)))}` as Hex) });
  if (r.below(100) < 30) list.push({ address: r.pick(others), storageKeys: [] });
  const keys = list.reduce((n, e) => n + e.storageKeys.length, 0);
  return { accessList: list, cost: 2400n * BigInt(list.length) + 1900n * BigInt(keys) };
}
