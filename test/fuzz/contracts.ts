import { account, hex32 } from '../../bench/workloads/common.js';
import type { Hex } from '../../src/model/shapes.js';
import { asm, initCode, toHex, type AsmItem } from './asm.js';

/**
 * The hand-assembled contracts of the fuzz batches. Together with the real ERC-20 and
 * Uniswap V2 code they cover what an engine must get right under conflicts: storage
 * read-modify-write of slots other transactions write, transient storage, logs,
 * reverts with data, out of gas, invalid opcodes, reads of the coinbase balance, and
 * frames that need the host (CALL into another contract, CREATE).
 */
export const COUNTER: Hex = account(0xf1c, 0);
export const PROXY: Hex = account(0xf1c, 1);
export const COINBASE_READER: Hex = account(0xf1c, 2);
export const FACTORY: Hex = account(0xf1c, 3);
export const SPRAY: Hex = account(0xf1c, 5);
export const DESTRUCTOR: Hex = account(0xf1c, 6);
/** An EOA that delegates to the counter in the pre-state (EIP-7702 designator as its code, Prague). */
export const DELEGATED: Hex = account(0xf1c, 4);
export const DELEGATION_TO_COUNTER: Hex = `0xef0100${COUNTER.slice(2)}`;

/** What the counter does after its write, from the last calldata word. */
export const COUNTER_MODE = { Return: 0n, Revert: 1n, Burn: 2n, Invalid: 3n, Clear: 4n } as const;

/**
 * Counter, calldata `slot, increment, otherSlot, mode`: `s[slot] += increment`, the new
 * value also through transient storage (from Cancun), then `LOG2(data = s[otherSlot],
 * topics = slot, new)`; mode 0 returns the new value, 1 reverts with it, 2 loops until
 * out of gas, 3 hits INVALID, 4 then clears the slot (an SSTORE refund) and returns. Before Cancun TSTORE/TLOAD are undefined opcodes, so the
 * transient variant there fails every call; the generator uses it sometimes on purpose.
 */
export function counterCode(transient: boolean): Uint8Array {
  const viaTransient: AsmItem[] = transient ? ['DUP1', 'DUP3', 'TSTORE', 'DUP2', 'TLOAD'] : ['DUP1'];
  return asm(
    0n, 'CALLDATALOAD', 'DUP1', 'SLOAD', 32n, 'CALLDATALOAD', 'ADD', // slot, new
    'DUP1', 'DUP3', 'SSTORE',
    ...viaTransient, // slot, new, t
    64n, 'CALLDATALOAD', 'SLOAD', 0n, 'MSTORE', // memory[0] = s[otherSlot]
    'DUP3', 32n, 0n, 'LOG2', // slot, new
    96n, 'CALLDATALOAD',
    'DUP1', 1n, 'EQ', '@revert', 'JUMPI',
    'DUP1', 2n, 'EQ', '@burn', 'JUMPI',
    'DUP1', 4n, 'EQ', '@clear', 'JUMPI',
    3n, 'EQ', '@invalid', 'JUMPI',
    'return:', 0n, 'MSTORE', 32n, 0n, 'RETURN',
    'clear:', 'POP', 0n, 'DUP3', 'SSTORE', '@return', 'JUMP',
    'revert:', 'POP', 0n, 'MSTORE', 32n, 0n, 'REVERT',
    'burn:', '@burn', 'JUMP',
    'invalid:', 'INVALID',
  );
}

export function counterCall(slot: bigint, increment: bigint, otherSlot: bigint, mode: bigint): Hex {
  return `0x${hex32(slot)}${hex32(increment)}${hex32(otherSlot)}${hex32(mode)}`;
}

/** Proxy: calls the counter with its own calldata and value, stores the call's success and returned word, bumps its own slot 2. */
export const PROXY_CODE = asm(
  'CALLDATASIZE', 0n, 0n, 'CALLDATACOPY',
  32n, 0n, 'CALLDATASIZE', 0n, 'CALLVALUE', BigInt(COUNTER), 'GAS', 'CALL',
  0n, 'SSTORE',
  0n, 'MLOAD', 1n, 'SSTORE',
  2n, 'SLOAD', 1n, 'ADD', 2n, 'SSTORE',
  'STOP',
);

/**
 * Coinbase reader, calldata `slot, address`: `s[slot] = BALANCE(COINBASE)`, `s[slot+1] =
 * BALANCE(address)`, `s[slot+2] = EXTCODEHASH(address)`; returns the coinbase's balance.
 * The address is one that earlier transactions of the batch pay or create.
 */
export const COINBASE_READER_CODE = asm(
  'COINBASE', 'BALANCE', 'DUP1', 0n, 'CALLDATALOAD', 'SSTORE',
  32n, 'CALLDATALOAD', 'BALANCE', 0n, 'CALLDATALOAD', 1n, 'ADD', 'SSTORE',
  32n, 'CALLDATALOAD', 'EXTCODEHASH', 0n, 'CALLDATALOAD', 2n, 'ADD', 'SSTORE',
  0n, 'MSTORE', 32n, 0n, 'RETURN',
);

/** Factory: CREATE with the calldata as init code and the call's value; slot 0 = the new address, slot 1 counts. */
export const FACTORY_CODE = asm(
  'CALLDATASIZE', 0n, 0n, 'CALLDATACOPY',
  'CALLDATASIZE', 0n, 'CALLVALUE', 'CREATE',
  0n, 'SSTORE',
  1n, 'SLOAD', 1n, 'ADD', 1n, 'SSTORE',
  'STOP',
);

/**
 * Spray, calldata `n, base, last`: for i < n, `s[base+i] = i+1` and a LOG1 (topic i, 64
 * bytes); then returns memory up to byte `last`, expanded there. Past a few dozen slots,
 * 8 logs, 1 KiB of return data or 64 KiB of memory a frame outgrows the GPU interpreter's
 * default per-call room and must be finished elsewhere with the same result.
 */
export const SPRAY_CODE = asm(
  0n,
  'loop:', 'DUP1', 0n, 'CALLDATALOAD', 'GT', 'ISZERO', '@done', 'JUMPI',
  'DUP1', 1n, 'ADD', 'DUP2', 32n, 'CALLDATALOAD', 'ADD', 'SSTORE',
  'DUP1', 'DUP1', 'MSTORE',
  'DUP1', 64n, 0n, 'LOG1',
  1n, 'ADD', '@loop', 'JUMP',
  'done:', 'POP',
  1n, 64n, 'CALLDATALOAD', 'MSTORE8',
  64n, 'CALLDATALOAD', 1n, 'ADD', 0n, 'RETURN',
);

export function sprayCall(n: bigint, base: bigint, last: bigint): Hex {
  return `0x${hex32(n)}${hex32(base)}${hex32(last)}`;
}

/**
 * Destructor, calldata `beneficiary`: bumps its slot 0, then SELFDESTRUCTs to the
 * beneficiary. Before Cancun that deletes it (later calls find an empty account); from
 * Cancun (EIP-6780) it only moves its balance.
 */
export const DESTRUCTOR_CODE = asm(0n, 'SLOAD', 1n, 'ADD', 0n, 'SSTORE', 0n, 'CALLDATALOAD', 'SELFDESTRUCT');

/** Runtime of created contracts: a counter in slot 0. */
const CREATED_RUNTIME = asm(0n, 'SLOAD', 1n, 'ADD', 0n, 'SSTORE', 'STOP');

/**
 * Init code: stores `tag` in slot 1, then deploys the small counter; or reverts with
 * data; or self-destructs to `beneficiary` in its own creation (deleted under EIP-6780 too).
 */
export function createInit(tag: bigint, how: 'deploy' | 'revert' | 'destruct', beneficiary = 0n): Hex {
  if (how === 'revert') return toHex(asm(tag, 0n, 'MSTORE', 32n, 0n, 'REVERT'));
  if (how === 'destruct') return toHex(asm(tag, 1n, 'SSTORE', beneficiary, 'SELFDESTRUCT'));
  return toHex(initCode(CREATED_RUNTIME, [tag, 1n, 'SSTORE']));
}
