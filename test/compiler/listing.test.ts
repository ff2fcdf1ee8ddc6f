import { describe, expect, it } from 'vitest';
import { analyzeCode } from '../../src/evm/code-analysis.js';
import { encodeProgram } from '../../src/compiler/encode.js';
import { buildProgram } from '../../src/compiler/fragments.js';
import { compileProgram } from '../../src/compiler/compile.js';
import { emitWgsl } from '../../src/compiler/emit-wgsl.js';
import { enteredFragments } from '../../src/compiler/profile.js';
import { FRAGMENT, NO_FRAGMENT, TARGET_BAD, TARGET_DYNAMIC } from '../../src/compiler/program-layout.js';
import { ERC20_CODE } from '../../bench/workloads/erc20.js';
import { asm } from '../gpu/interpreter-harness.js';

/**
 * What the compiler makes of small programs, reviewed as code: each listing names the
 * source pc and opcode of every instruction, the fragment's entry check, its register
 * operations and write-back, and where it goes next.
 */
const listing = (src: string) => compileProgram(asm(src), 'Prague').listing;

describe('compiler listings (snapshots)', () => {
  it('straight line', () => {
    expect(listing('PUSH 2 PUSH 3 ADD DUP1 MUL PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN')).toMatchSnapshot();
  });

  it('loop: a counter to 100, the back edge folded', () => {
    expect(listing('PUSH 0 JUMPDEST PUSH 1 ADD DUP1 PUSH 100 GT PUSH 2 JUMPI PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN')).toMatchSnapshot();
  });

  it('dynamic jump: a target from calldata, checked at run time', () => {
    expect(listing('PUSH 0 CALLDATALOAD JUMP JUMPDEST PUSH 1 STOP JUMPDEST PUSH 2 STOP')).toMatchSnapshot();
  });

  it('PUSH+JUMP folding: through DUP and SWAP, to an invalid target, on a constant condition', () => {
    expect(listing('PUSH 9 PUSH 1 SWAP1 DUP1 POP JUMP INVALID JUMPDEST PUSH 0 PUSH 20 JUMPI PUSH 1 PUSH 30 JUMPI STOP')).toMatchSnapshot();
  });
});

/**
 * The WGSL back end's output for the same programs: one switch case per fragment, with
 * the listing's lines as comments above the code they became.
 */
const wgsl = (src: string) => emitWgsl(buildProgram(asm(src), 'Prague'), 'snapshot').wgsl;

describe('emitted WGSL (snapshots)', () => {
  it('straight line', () => {
    expect(wgsl('PUSH 2 PUSH 3 ADD DUP1 MUL PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN')).toMatchSnapshot();
  });

  it('loop: a counter to 100, the back edge folded', () => {
    expect(wgsl('PUSH 0 JUMPDEST PUSH 1 ADD DUP1 PUSH 100 GT PUSH 2 JUMPI PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN')).toMatchSnapshot();
  });

  it('dynamic jump: a target from calldata, checked at run time', () => {
    expect(wgsl('PUSH 0 CALLDATALOAD JUMP JUMPDEST PUSH 1 STOP JUMPDEST PUSH 2 STOP')).toMatchSnapshot();
  });

  it('PUSH+JUMP folding: through DUP and SWAP, to an invalid target, on a constant condition', () => {
    expect(wgsl('PUSH 9 PUSH 1 SWAP1 DUP1 POP JUMP INVALID JUMPDEST PUSH 0 PUSH 20 JUMPI PUSH 1 PUSH 30 JUMPI STOP')).toMatchSnapshot();
  });

  it('wide constants and frame words: a literal of eight limbs, CALLER and NUMBER read as the interpreter reads them', () => {
    expect(wgsl('PUSH32 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20 CALLER XOR NUMBER ADD PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN')).toMatchSnapshot();
  });
});

describe('compiler stages', () => {
  const erc20 = Uint8Array.from(Buffer.from(ERC20_CODE.slice(2), 'hex'));

  it('fragments lie inside the basic blocks of src/evm/code-analysis.ts, and every JUMPDEST starts one', () => {
    const p = buildProgram(erc20, 'Prague');
    const { blocks, jumpdests } = analyzeCode(erc20, 'Prague');
    expect(p.blocks).toEqual(blocks);
    expect(p.jumpdests).toEqual(jumpdests);
    const starts = new Set(p.fragments.map((f) => f.start));
    for (const ins of p.instructions) if (ins.defined && ins.op.name === 'JUMPDEST') expect(starts.has(ins.pc), `JUMPDEST at ${ins.pc}`).toBe(true);
    for (const f of p.fragments) {
      expect(f.start).toBeGreaterThanOrEqual(f.block.start);
      for (const ins of f.body) expect(ins.pc).toBeLessThan(f.block.end);
      // A whole block's figures bound each of its fragments'.
      expect(f.staticGas).toBeLessThanOrEqual(f.block.staticGas);
    }
  });

  it('a fragment that is a whole block has the block analysis figures', () => {
    // No instruction left to the interpreter: the fragment is the block.
    const code = asm('JUMPDEST PUSH 1 PUSH 2 ADD DUP1 SWAP2 POP POP PUSH 0 JUMP');
    const p = buildProgram(code, 'Prague');
    const [b] = analyzeCode(code, 'Prague').blocks;
    const [f] = p.fragments;
    expect([f.staticGas, f.stackRequired, f.stackMaxGrowth, f.stackChange]).toEqual([b.staticGas, b.stackRequired, b.stackMaxGrowth, b.stackChange]);
  });

  it('encodes the pc table, folded targets and the run-time check markers', () => {
    const code = asm('PUSH 5 JUMP INVALID INVALID JUMPDEST PUSH 0 CALLDATALOAD JUMP JUMPDEST PUSH 77 JUMP');
    const p = buildProgram(code, 'Prague');
    const { words } = encodeProgram(p);
    const frag = (pc: number) => words[pc];
    expect(frag(1)).toBe(NO_FRAGMENT);
    const target = (pc: number) => words[frag(pc) + FRAGMENT.offset.target];
    expect(target(0)).toBe(5);
    // 0x05: PUSH 0 then CALLDATALOAD (interpreted); the continuation's JUMP is dynamic.
    expect(target(9)).toBe(TARGET_DYNAMIC);
    expect(target(10)).toBe(TARGET_BAD);
  });
});

describe('profile: the fragments a trace enters', () => {
  it('counts a fragment entered by a jump, a fall-through or after an interpreted opcode, not a side exit continuation run through', () => {
    // 0x00 PUSH 0; 0x02 JUMPDEST (loop); MLOAD inline (guarded), then MUL left to the interpreter.
    const code = asm('PUSH 0 JUMPDEST DUP1 MLOAD POP PUSH 2 DUP2 MUL POP PUSH 1 ADD DUP1 PUSH 3 GT PUSH 2 JUMPI STOP');
    const p = buildProgram(code, 'Prague');
    const starts = p.fragments.map((f) => f.start);
    const byPc = new Map(p.instructions.map((i) => [i.pc, i]));
    // The loop twice, as the reference would step it.
    const body: number[] = [];
    for (let pc = 2; pc !== undefined && byPc.get(pc)?.op.name !== 'JUMPI'; pc = byPc.get(pc)!.next) body.push(pc);
    const jumpi = body[body.length - 1] + (byPc.get(body[body.length - 1])!.next - body[body.length - 1]);
    const trace = [0, ...body, jumpi, ...body, jumpi, jumpi + 1];
    const entered = enteredFragments(p, trace);
    const mloadNext = p.instructions.find((i) => i.op.name === 'MLOAD')!.next;
    const mulNext = p.instructions.find((i) => i.op.name === 'MUL')!.next;
    expect(starts).toContain(mloadNext);
    expect([...entered].sort((a, b) => a - b)).toEqual([0, 2, mulNext, jumpi + 1].filter((pc) => starts.includes(pc)));
    expect(entered.has(mloadNext)).toBe(false);
  });
});
