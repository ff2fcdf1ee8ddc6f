import type { GpuCallResult } from '../../src/gpu/abi.js';
import { asm, hex, type Case } from '../gpu/interpreter-harness.js';
import { xorshift32 } from '../support/xorshift.js';

/** Every field of a result but the kernel label, for exact comparison between kernels. */
export const full = (r: GpuCallResult) =>
  JSON.stringify({ ...r, kernel: undefined }, (_, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? hex(v) : v));

/** `count` random programs (below) as cases, with varied gas (some too little), calldata and a stored slot. */
export function randomCases(seed: number, count: number): Case[] {
  const rnd = xorshift32(seed);
  const next = () => rnd.next();
  return Array.from({ length: count }, (_, i) => ({
    name: `random ${i}`,
    code: randomProgram(next),
    gas: [1_000_000n, 30_000n, 3_000n, BigInt(100 + (next() % 400))][i % 4],
    data: Uint8Array.from({ length: next() % 40 }, () => next() & 0xff),
    storage: new Map([[7n, BigInt(next())]]),
  }));
}

/**
 * Random programs that keep stack discipline: blocks of straight-line code over a
 * tracked stack height, with loops (a counter in memory, a backward JUMPI), forward
 * jumps to constant and to computed targets, and storage, memory and calldata reads.
 * The property tests run each on compiled code (programs, contract kernels), on the
 * interpreter kernel (every result field equal, steps and stop pc included) and on
 * @ethereumjs/evm (the harness's comparison: outcome, gas, refund, return data, logs,
 * storage).
 */
export function randomProgram(next: () => number): Uint8Array<ArrayBuffer> {
  const blocks = 2 + (next() % 5);
  // Assembled twice: the first pass finds each block's offset, the second uses them.
  let starts: number[] = Array.from({ length: blocks + 1 }, () => 0);
  let out = new Uint8Array(new ArrayBuffer(0));
  const seed = next() >>> 0 || 1;
  for (let pass = 0; pass < 2; pass++) {
    // The same choices in both passes; targets are PUSH2, so sizes do not depend on them.
    const local = xorshift32(seed);
    const seedNext = () => local.next();
    const pick = <T,>(xs: readonly T[]): T => xs[seedNext() % xs.length];
    const parts: string[] = [];
    const offsets: number[] = [];
    let bytes = 0;
    const emit = (s: string) => {
      parts.push(s);
      bytes += asm(s).length;
    };
    for (let b = 0; b < blocks; b++) {
      offsets.push(bytes);
      emit('JUMPDEST');
      let height = 0;
      const ops = 2 + (seedNext() % 12);
      for (let k = 0; k < ops; k++) {
        const r = seedNext() % 12;
        if (height < 2 || r < 3) {
          emit(`PUSH ${pick([0, 1, 2, 3, 31, 32, 255, 256, 65535, 2 ** 32, 2 ** 40])}`);
          height++;
        } else if (r < 7) {
          emit(pick(['ADD', 'SUB', 'LT', 'GT', 'SLT', 'SGT', 'EQ', 'AND', 'OR', 'XOR', 'BYTE', 'SHL', 'SHR', 'SAR', 'SIGNEXTEND', 'MUL', 'DIV', 'MOD', 'EXP']));
          height--;
        } else if (r < 8) {
          emit(pick(['ISZERO', 'NOT']));
        } else if (r < 9) {
          emit(`DUP${1 + (seedNext() % Math.min(height, 16))}`);
          height++;
        } else if (r < 10) {
          emit(`SWAP${1 + (seedNext() % Math.min(height - 1, 16))}`);
        } else if (r < 11) {
          emit(pick(['PUSH 255 AND PUSH 5 SSTORE', 'PUSH 7 AND SLOAD', 'PUSH 63 AND MLOAD', 'PUSH 31 AND CALLDATALOAD', 'PUSH 1 AND PUSH 64 MSTORE8']));
          if (parts[parts.length - 1].endsWith('SSTORE') || parts[parts.length - 1].endsWith('MSTORE8')) height--;
        } else {
          emit(pick(['PC', 'GAS', 'MSIZE', 'CALLER', 'CALLDATASIZE', 'CALLVALUE', 'ADDRESS']));
          height++;
        }
      }
      const after = starts[b + 1];
      const end = seedNext() % 5;
      if (end === 0 && b > 0) {
        // Loop: counter at memory 96; back to this block while below a small bound.
        emit(`PUSH 96 MLOAD PUSH 1 ADD DUP1 PUSH 96 MSTORE PUSH ${2 + (seedNext() % 4)} GT PUSH2 ${starts[b]} JUMPI`);
      } else if (end === 1) {
        emit(`PUSH2 ${after} JUMP`);
      } else if (end === 2) {
        // A computed target: the interpreter's run-time check, sometimes failing.
        emit(`PUSH2 ${after - 1} PUSH ${seedNext() % 3 === 0 ? 2 : 1} ADD JUMP`);
      } else if (end === 3) {
        emit(`PUSH ${seedNext() % 2} PUSH2 ${after} JUMPI`);
      }
      // else: fall through into the next block
    }
    offsets.push(bytes);
    emit('PUSH 32 PUSH 0 RETURN');
    starts = offsets;
    out = Uint8Array.from(asm(parts.join(' ')));
  }
  return out;
}

