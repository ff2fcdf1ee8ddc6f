import type { Hex, WireBatch } from '../../src/model/shapes.js';
import { asm, toHex } from '../fuzz/asm.js';

/**
 * Bytecode written to hurt an executor: each program is a contract called by one
 * transaction. They run to their gas limit or to an EVM limit (stack, memory, call
 * depth), or return a lot. `test/server/adversarial.test.ts` runs every one on every
 * engine against the reference; the figures in the README's limits (the batch gas
 * default) were measured on them.
 */
export interface AdversarialProgram {
  name: string;
  code: Uint8Array;
  /** Gas of the transaction calling it. */
  gas: bigint;
}

const q = (v: bigint | number): Hex => `0x${v.toString(16)}`;
/** A whole block's gas: the infinite loop runs on it. */
export const LOOP_GAS = 30_000_000n;
/** The other loops stop at a third of it, and the loops of calls (about 0.5 Mgas/s on ethereumjs) at 2M: enough to hurt, quick enough for CI. */
const GAS = 10_000_000n;
const CALL_GAS = 2_000_000n;
const MIB = 1n << 20n;

/** `JUMPDEST PUSH0 JUMP`: runs until its gas is gone. */
export const INFINITE_LOOP = asm('loop:', 'PUSH0', 'JUMP');

/** A counted loop: `body` runs `n` times, then the frame stops. The counter sits on the stack under the body. */
function counted(n: bigint, body: (string | bigint)[], after: (string | bigint)[] = ['STOP']): Uint8Array {
  return asm(n, 'loop:', 'DUP1', 'ISZERO', '@done', 'JUMPI', ...body, 1n, 'SWAP1', 'SUB', '@loop', 'JUMP', 'done:', ...after);
}

export const ADVERSARIAL: readonly AdversarialProgram[] = [
  { name: 'infinite loop', code: INFINITE_LOOP, gas: LOOP_GAS },
  // The cheapest opcodes (2 gas) in a loop: the most opcodes per unit of gas.
  { name: 'cheapest-opcode loop', code: asm('loop:', ...Array(40).fill(['PC', 'POP']).flat(), 'PUSH0', 'JUMP'), gas: GAS },
  // MLOAD at MSIZE: memory grows by a word per iteration until the quadratic cost eats the gas.
  { name: 'memory-expansion bomb', code: asm('loop:', 'MSIZE', 'MLOAD', 'POP', 'PUSH0', 'JUMP'), gas: GAS },
  // One expansion to an offset no gas can pay for.
  { name: 'memory offset 2^32', code: asm(1n, 0xffffffffn, 'MSTORE', 'STOP'), gas: GAS },
  // 1024 items: the stack limit exactly; then one more overflows.
  { name: 'maximal stack', code: asm(...Array(1024).fill('PUSH0'), 'STOP'), gas: 1_000_000n },
  { name: 'stack overflow', code: asm('loop:', 'PUSH0', '@loop', 'JUMP'), gas: 1_000_000n },
  // 1 MiB of return data, and a log of 1 MiB plus a thousand small logs.
  { name: 'huge return data', code: asm(MIB, 0n, 'RETURN'), gas: GAS },
  { name: 'huge log', code: asm(MIB, 0n, 'LOG0', 'STOP'), gas: 20_000_000n },
  { name: 'a thousand logs', code: counted(1000n, ['DUP1', 0n, 'MSTORE', 32n, 0n, 'LOG0']), gas: GAS },
  // Calls itself with all the gas it may pass on; the transaction's gas is large enough
  // for the 63/64 rule to leave gas at depth 1024, where the next CALL fails.
  { name: 'call depth 1024', code: asm(0n, 0n, 0n, 0n, 0n, 'ADDRESS', 'GAS', 'CALL', 'STOP'), gas: 100_000_000_000n },
  // Recursion bounded by gas instead (the 63/64 rule stops it far below 1024 at 30M).
  { name: 'deep recursion to gas', code: asm(0n, 0n, 0n, 0n, 0n, 'ADDRESS', 'GAS', 'CALL', 'POP', 'loop:', '@loop', 'JUMP'), gas: GAS },
  // The cheapest calls: to itself with no gas (the callee halts at once), to the identity precompile, to ecrecover.
  { name: 'call loop', code: asm('loop:', 0n, 0n, 0n, 0n, 0n, 'ADDRESS', 0n, 'CALL', 'POP', 'PUSH0', 'JUMP'), gas: CALL_GAS },
  { name: 'precompile call loop', code: asm('loop:', 0n, 0n, 0n, 0n, 4n, 'GAS', 'STATICCALL', 'POP', 'PUSH0', 'JUMP'), gas: CALL_GAS },
  { name: 'ecrecover loop', code: asm('loop:', 32n, 0n, 128n, 0n, 1n, 'GAS', 'STATICCALL', 'POP', 'PUSH0', 'JUMP'), gas: GAS },
  // KECCAK256 over 1 MiB, again and again.
  { name: 'KECCAK256 over 1 MiB', code: asm('loop:', MIB, 0n, 'KECCAK256', 'POP', 'PUSH0', 'JUMP'), gas: GAS },
  // Fresh slots until the gas runs out (reverted), and a thousand that commit.
  { name: 'storage-writing loop', code: asm('PUSH0', 'loop:', 1n, 'ADD', 'DUP1', 'DUP1', 'SSTORE', '@loop', 'JUMP'), gas: GAS },
  { name: 'a thousand slots', code: counted(1000n, ['DUP1', 'DUP1', 'SSTORE']), gas: LOOP_GAS },
];

export const SENDER: Hex = '0x00000000000000000000000000000000000a11ce';
const COINBASE: Hex = '0x0000000000000000000000000000000000000c0b';
const BOB: Hex = '0x00000000000000000000000000000000000000bb';

/** The contract address of program `i`. */
export const programAddress = (i: number): Hex => `0x${(0xad00 + i).toString(16).padStart(40, '0')}`;

type Tx = WireBatch['txs'][number];

const call = (to: Hex, nonce: number, gas: bigint): Tx => ({ from: SENDER, to, nonce: q(nonce), gas: q(gas), maxFeePerGas: '0xa', maxPriorityFeePerGas: '0x1', value: '0x0' });
const transferTx = (nonce: number): Tx => ({ from: SENDER, to: BOB, nonce: q(nonce), gas: '0x5208', maxFeePerGas: '0xa', maxPriorityFeePerGas: '0x1', value: '0x1' });

/**
 * A batch calling the given programs in order (indices into ADVERSARIAL), with plain
 * transfers between them when `withTransfers`. The block's gas limit fits them all.
 */
export function adversarialBatch(indices: readonly number[], withTransfers = false, engine?: string): WireBatch {
  const txs: Tx[] = [];
  let gas = 0n;
  for (const i of indices) {
    if (withTransfers) {
      txs.push(transferTx(txs.length));
      gas += 21_000n;
    }
    txs.push(call(programAddress(i), txs.length, ADVERSARIAL[i].gas));
    gas += ADVERSARIAL[i].gas;
  }
  if (withTransfers) txs.push(transferTx(txs.length));
  const pre: WireBatch['pre'] = { [SENDER]: { balance: q(10n ** 24n), nonce: '0x0' } };
  for (const i of new Set(indices)) pre[programAddress(i)] = { balance: '0x0', nonce: '0x1', code: toHex(ADVERSARIAL[i].code) };
  return {
    fork: 'Prague',
    env: { number: '0x1', timestamp: '0x3e8', coinbase: COINBASE, gasLimit: q(gas + 1_000_000n), baseFee: '0x7', chainId: '0x1' },
    pre,
    txs,
    ...(engine ? { options: { engine } } : {}),
  };
}
