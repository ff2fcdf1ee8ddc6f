import { afterAll, describe, expect, it } from 'vitest';
import { closeTestGpu } from '../support/gpu.js';
import { outcomeName } from '../../src/evm/outcome.js';
import type { Fork } from '../../src/model/fork.js';
import { asm, diff, noMismatches, type Case } from './interpreter-harness.js';
import { xorshift32 } from '../support/xorshift.js';

/**
 * Random straight-line and looping programs over the GPU opcodes, differential against
 * the reference. Seeded: a failure names its case, and EVMGPU_FUZZ_SEED reruns another
 * sequence.
 */
const SEED = Number(process.env.EVMGPU_FUZZ_SEED ?? 20240611);

function rng(seed: number) {
  const { next, below, pick } = xorshift32(seed);
  const word = () => {
    switch (below(6)) {
      case 0: return BigInt(below(4));
      case 1: return BigInt(below(300));
      case 2: return (1n << BigInt(below(256))) - BigInt(below(2));
      case 3: return (1n << 256n) - 1n - BigInt(below(3));
      default: return Array.from({ length: 8 }, () => BigInt(next())).reduce((a, b) => (a << 32n) | b, 0n) >> BigInt(below(256));
    }
  };
  return { next, below, pick, word };
}

const BINARY = ['ADD', 'MUL', 'SUB', 'DIV', 'SDIV', 'MOD', 'SMOD', 'EXP', 'SIGNEXTEND', 'LT', 'GT', 'SLT', 'SGT', 'EQ', 'AND', 'OR', 'XOR', 'BYTE', 'SHL', 'SHR', 'SAR'];
const TERNARY = ['ADDMOD', 'MULMOD'];
const UNARY = ['ISZERO', 'NOT'];
const NULLARY = ['ADDRESS', 'ORIGIN', 'CALLER', 'CALLVALUE', 'CALLDATASIZE', 'CODESIZE', 'GASPRICE', 'RETURNDATASIZE', 'COINBASE', 'TIMESTAMP', 'NUMBER', 'PREVRANDAO', 'GASLIMIT', 'CHAINID', 'SELFBALANCE', 'BASEFEE', 'PC', 'MSIZE', 'GAS'];
const CANCUN = ['BLOBBASEFEE', 'PUSH0'];

/** One random program: tracks the stack height so most opcodes have their operands. */
function program(r: ReturnType<typeof rng>, fork: Fork): string {
  const parts: string[] = [];
  let depth = 0;
  const push = (v: bigint) => {
    parts.push(`PUSH ${v}`);
    depth++;
  };
  const small = (n: number) => push(BigInt(r.below(n)));
  const len = 10 + r.below(50);
  for (let i = 0; i < len; i++) {
    const k = r.below(20);
    if (k < 5 || depth === 0) push(r.word());
    else if (k < 9) {
      if (depth < 2) push(r.word());
      parts.push(r.pick(BINARY));
      depth = Math.max(depth - 1, 1);
    } else if (k === 9) {
      while (depth < 3) push(r.word());
      parts.push(r.pick(TERNARY));
      depth -= 2;
    } else if (k === 10) parts.push(r.pick(UNARY));
    else if (k === 11) {
      parts.push(r.pick(fork === 'Cancun' || fork === 'Prague' ? [...NULLARY, ...CANCUN] : NULLARY));
      depth++;
    } else if (k === 12) {
      const n = 1 + r.below(Math.min(depth, 16));
      parts.push(r.below(2) ? `DUP${n}` : `SWAP${Math.min(n, depth - 1) || 1}`);
      if (parts[parts.length - 1].startsWith('DUP')) depth++;
      else if (depth < 2) parts.pop();
    } else if (k === 13) {
      small(200);
      parts.push(r.pick(['MSTORE', 'MSTORE8']));
      depth -= 2;
    } else if (k === 14) {
      small(250);
      parts.push('MLOAD');
    } else if (k === 15) {
      small(100);
      small(100);
      parts.push('KECCAK256');
      depth--;
    } else if (k === 16) {
      small(4);
      parts.push('SSTORE');
      depth -= 2;
    } else if (k === 17) {
      small(5);
      parts.push('SLOAD');
    } else if (k === 18) {
      small(64);
      parts.push('CALLDATALOAD');
    } else {
      parts.push('POP');
      depth--;
    }
    if (depth > 1000) break;
  }
  const end = r.below(4);
  if (end === 0) parts.push('STOP');
  else if (end === 1) parts.push('PUSH 0 MSTORE PUSH 64 PUSH 0 RETURN');
  else if (end === 2) parts.push('PUSH 0 MSTORE PUSH 40 PUSH 3 REVERT');
  else parts.push(`PUSH 0 MSTORE PUSH 0 PUSH 32 PUSH 0 LOG${r.below(2)} PUSH 32 PUSH 0 RETURN`);
  return parts.join(' ');
}

/** A loop around a random body, so jumps and the JUMPDEST bitmap get exercised too. */
function loop(r: ReturnType<typeof rng>, fork: Fork): string {
  const body = program(r, fork).replace(/ (STOP|RETURN|REVERT)$/, ' POP').replace(/PUSH 0 MSTORE PUSH .*$/, '');
  const n = 1 + r.below(5);
  // counter on the stack bottom is not kept: the body's stack use varies, so count in memory slot 0x400.
  return `JUMPDEST ${body} PUSH 0x400 MLOAD PUSH 1 ADD DUP1 PUSH 0x400 MSTORE PUSH ${n} GT PUSH 0 JUMPI PUSH 0x400 MLOAD PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN`;
}

function cases(seed: number, count: number, fork: Fork, loops: boolean): Case[] {
  const r = rng(seed);
  const data = Uint8Array.from({ length: 70 }, () => r.below(256));
  return Array.from({ length: count }, (_, i) => {
    const src = loops && r.below(3) === 0 ? loop(r, fork) : program(r, fork);
    return {
      name: `seed ${seed} program ${i}: ${src.slice(0, 200)}`,
      code: asm(src),
      data,
      value: BigInt(r.below(3)),
      gas: BigInt([500, 5_000, 50_000, 1_000_000][r.below(4)]),
      storage: new Map([[1n, BigInt(r.below(3))], [2n, r.word()]]),
      warmSlots: r.below(2) ? [2n] : [],
    };
  });
}

describe('interpreter kernel: random programs and large batches', () => {
  afterAll(() => closeTestGpu());

  for (const fork of ['London', 'Cancun'] as Fork[]) {
    it(`150 random programs at ${fork} (seed ${SEED})`, async () => {
      const { mismatches, results } = await diff({ fork }, cases(SEED + (fork === 'Cancun' ? 1 : 0), 150, fork, true));
      expect(noMismatches(mismatches)).toEqual([]);
      // The programs must reach their ends often enough to be worth running.
      const finished = results.filter((x) => ['Stop', 'Return', 'Revert'].includes(outcomeName(x.outcome))).length;
      expect(finished).toBeGreaterThan(60);
    });
  }

  it('1,200 different programs in one dispatch', async () => {
    const batch = cases(SEED + 7, 1200, 'Prague', true);
    const t = performance.now();
    const { mismatches, results } = await diff({ fork: 'Prague' }, batch);
    expect(noMismatches(mismatches)).toEqual([]);
    expect(results).toHaveLength(1200);
    expect(new Set(batch.map((c) => Buffer.from(c.code).toString('hex'))).size).toBeGreaterThan(1100);
    expect(performance.now() - t).toBeLessThan(60_000);
  });
});
