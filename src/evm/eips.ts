import { forkAtLeast, type Fork } from '../model/fork.js';

/**
 * The EIPs whose rules the kernels branch on inside a frame (as opposed to a gas amount
 * that changes, gas-schedule.ts), each with the fork that activated it, and the
 * precompiles each fork has. The kernels read them as one bit mask per fork row
 * (`EIPS_BY_FORK`, src/gpu/interpreter-wgsl.ts); test/evm/eips.test.ts checks both
 * against @ethereumjs/common and @ethereumjs/evm fork by fork.
 */
export const KERNEL_EIPS = {
  /** London: new code may not start with 0xEF. */
  3541: 'London',
  /** Shanghai: init code limit and per-word charge (the amounts are in gas-schedule.ts). */
  3860: 'Shanghai',
  /** Cancun: SELFDESTRUCT deletes only an account created in the same transaction. */
  6780: 'Cancun',
  /** Prague: calls run a delegated account's delegate's code, paying to access the delegate. */
  7702: 'Prague',
} as const satisfies Record<number, Fork>;

export type KernelEip = keyof typeof KERNEL_EIPS;

export const KERNEL_EIP_LIST: readonly KernelEip[] = Object.keys(KERNEL_EIPS).map(Number) as KernelEip[];

export function eipActive(eip: KernelEip, fork: Fork): boolean {
  return forkAtLeast(fork, KERNEL_EIPS[eip]);
}

/**
 * The highest precompile address active at a fork: every address from 1 to it is a
 * precompile (ECRECOVER .. BLAKE2F since Istanbul, the KZG point evaluation from
 * Cancun, BLS12-381 from Prague).
 */
export function lastPrecompile(fork: Fork): number {
  if (forkAtLeast(fork, 'Prague')) return 0x11;
  if (forkAtLeast(fork, 'Cancun')) return 0x0a;
  if (forkAtLeast(fork, 'Istanbul')) return 0x09;
  if (forkAtLeast(fork, 'Byzantium')) return 0x08;
  return 0x04;
}

/** Precompiles the kernels run themselves rather than ask the host for, by address. */
export const KERNEL_PRECOMPILES = { sha256: 0x02, identity: 0x04 } as const;

/** Byte values EVM rules name (not opcodes): the kernels read them from the generated prelude. */
export const EVM_BYTES = {
  /** EIP-3541: deposited code may not start with it; EOF (EF00) init code is refused by CREATE. */
  codePrefixEf: 0xef,
  /** CREATE2's address preimage starts with it. */
  create2Prefix: 0xff,
  /** RLP: a short string's first byte is 0x80 + length; a short list's 0xc0 + length. */
  rlpString: 0x80,
  rlpList: 0xc0,
} as const;
