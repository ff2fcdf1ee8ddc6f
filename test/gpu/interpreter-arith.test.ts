import { afterAll, describe, expect, it } from 'vitest';
import { closeTestGpu } from '../support/gpu.js';
import { OPCODE_BY_NAME } from '../../src/evm/opcodes.js';
import { asm, diff, noMismatches, type Case } from './interpreter-harness.js';

/**
 * Arithmetic, comparison and bitwise opcodes inside the interpreter (the u256 library
 * itself is tested exhaustively in u256.test.ts): operands reach them through PUSH32,
 * the result is returned, and gas is compared exactly.
 */
const M = (1n << 256n) - 1n;
const EDGES = [0n, 1n, 2n, 31n, 32n, 255n, 256n, 1n << 255n, (1n << 255n) - 1n, M, M - 1n, 0x1234567890abcdefn, 1n << 128n, 1n << 64n];

const push32 = (v: bigint) => `PUSH32 ${v}`;
/** Pushes args so that args[0] ends on top, applies op, returns the result. */
const apply = (op: string, args: bigint[]) => asm(`${[...args].reverse().map(push32).join(' ')} ${op} PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN`);

function pairs(n: number): bigint[][] {
  const out: bigint[][] = [];
  for (const a of EDGES) for (const b of EDGES) out.push([a, b, EDGES[(out.length * 7) % EDGES.length]].slice(0, n));
  return out;
}

const FAMILIES: Record<string, string[]> = {
  arithmetic: ['ADD', 'MUL', 'SUB', 'DIV', 'SDIV', 'MOD', 'SMOD', 'ADDMOD', 'MULMOD', 'SIGNEXTEND'],
  compare: ['LT', 'GT', 'SLT', 'SGT', 'EQ', 'ISZERO'],
  bitwise: ['AND', 'OR', 'XOR', 'NOT', 'BYTE', 'SHL', 'SHR', 'SAR'],
};

describe('interpreter kernel: arithmetic, comparison, bitwise', () => {
  afterAll(() => closeTestGpu());

  for (const [family, ops] of Object.entries(FAMILIES)) {
    it(`${family}: ${ops.join(' ')} on edge operands, exact gas`, async () => {
      const cases: Case[] = [];
      for (const op of ops) {
        const arity = OPCODE_BY_NAME.get(op)!.pops;
        const seen = new Set<string>();
        for (const args of pairs(arity)) {
          const key = args.join(',');
          if (seen.has(key)) continue;
          seen.add(key);
          cases.push({ name: `${op}(${args.map((a) => `0x${a.toString(16)}`).join(', ')})`, code: apply(op, args) });
        }
      }
      const { mismatches } = await diff({ fork: 'Prague' }, cases);
      expect(noMismatches(mismatches)).toEqual([]);
    });
  }

  it('EXP: 50 gas per exponent byte, zero exponent, large exponents', async () => {
    const exps = [0n, 1n, 2n, 255n, 256n, 0xffffn, 0x10000n, 1n << 100n, (1n << 255n) + 3n, M];
    const cases: Case[] = [];
    for (const base of [0n, 1n, 2n, 3n, M, 1n << 200n]) for (const e of exps) cases.push({ name: `EXP(${base}, ${e})`, code: apply('EXP', [base, e]) });
    // OOG exactly at the per-byte charge: PUSH32 x2 (6) + EXP 10 + 50 * 32.
    cases.push({ name: 'EXP out of gas on its byte charge', code: apply('EXP', [3n, M]), gas: 6n + 10n + 50n * 32n - 1n });
    cases.push({ name: 'EXP with just enough gas', code: asm(`PUSH32 ${M} PUSH 3 EXP STOP`), gas: 6n + 10n + 50n * 32n - 1n });
    const { mismatches } = await diff({ fork: 'Berlin' }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
  });
});
