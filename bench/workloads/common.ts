import { keccak_256 } from '@noble/hashes/sha3.js';
import type { Hex, WireBatch } from '../../src/model/shapes.js';

/**
 * Helpers shared by the generators. A workload builds a `Fragment` (accounts and
 * transactions in their own address space) so that `mixed` can merge several of them
 * into one batch without collisions.
 */
export interface Fragment {
  pre: WireBatch['pre'];
  txs: WireBatch['txs'];
  /** Gas each transaction may use, summed: the block gas limit must cover it. */
  gasBudget: bigint;
}

export const hex32 = (v: bigint): string => v.toString(16).padStart(64, '0');
export const quantity = (v: bigint | number): Hex => `0x${BigInt(v).toString(16)}`;

/**
 * An address derived from a tag and an index, so batches are reproducible. For recipients,
 * contracts and pools only: senders come from `sender()` in ../signing/keys.ts, whose
 * addresses have keys, so the batch can also be signed.
 */
export function account(tag: number, i: number): Hex {
  return `0x${tag.toString(16).padStart(8, '0')}${i.toString(16).padStart(32, '0')}`;
}

/** Storage slot of a Solidity `mapping(address => uint)` entry: keccak256(pad32(key) ++ pad32(slot)). */
export function mappingSlot(key: Hex, slot: bigint): Hex {
  const preimage = Buffer.from(hex32(BigInt(key)) + hex32(slot), 'hex');
  return `0x${Buffer.from(keccak_256(preimage)).toString('hex')}`;
}

/** EIP-1559 fees every generated transaction pays: above the env's base fee. */
export const FEES = { maxFeePerGas: quantity(10), maxPriorityFeePerGas: quantity(1) } as const;

/** Ether enough for any generated sender's gas. */
export const SENDER_BALANCE = quantity(10n ** 18n);

export const BENCH_ENV_TIMESTAMP = 1000n;

export function toBatch(f: Fragment, fork = 'Prague'): WireBatch {
  return {
    fork,
    env: {
      number: '0x1', timestamp: quantity(BENCH_ENV_TIMESTAMP), coinbase: '0x0000000000000000000000000000000000000c0b',
      gasLimit: quantity(f.gasBudget + 30_000_000n), baseFee: '0x7', chainId: '0x1',
    },
    pre: f.pre,
    txs: f.txs,
  };
}
