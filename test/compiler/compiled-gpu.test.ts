import { afterAll, describe, expect, it } from 'vitest';
import './force-compiled.js';
import { ProgramCache } from '../../src/compiler/cache.js';
import { Outcome } from '../../src/evm/outcome.js';
import { FRAGMENT, MICRO, MICRO_CONST } from '../../src/compiler/program-layout.js';
import { closeTestGpu } from '../support/gpu.js';
import { asm, customExecutor, diff, gpuBlock, gpuCall, hex, noMismatches, type Case } from '../gpu/interpreter-harness.js';
import { full, randomCases } from './random-program.js';

afterAll(() => closeTestGpu());


describe('compiled programs on the GPU', () => {
  it('the program drives execution: a constant changed in the program changes the result', async () => {
    const code = asm('PUSH 5 PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN');
    const programs = new ProgramCache({ dir: false });
    const ex = await customExecutor({ kernel: 'compiled', programs });
    const c: Case = { name: 'return 5', code };
    const [before] = await ex.execute(gpuBlock({ fork: 'Prague' }), { accounts: new Map() }, [gpuCall(c, 0)]);
    expect(before.kernel).toBe('compiled');
    expect(BigInt(`0x${hex(before.returnData)}`)).toBe(5n);
    // The first fragment loads 5 into a register from the constant pool: make it 6.
    const words = programs.report()[0].program!.words;
    const f = words[0];
    const load = f + FRAGMENT.words;
    expect(words[load + MICRO.offset.kind]).toBe(MICRO_CONST);
    words[words[load + MICRO.offset.a]] = 6;
    // An executor uploads a program once (gpu/program-arena.ts: programs are never changed
    // in the service); the changed one goes to a fresh executor's buffer.
    const fresh = await customExecutor({ kernel: 'compiled', programs });
    const [after] = await fresh.execute(gpuBlock({ fork: 'Prague' }), { accounts: new Map() }, [gpuCall(c, 0)]);
    expect(BigInt(`0x${hex(after.returnData)}`)).toBe(6n);
  });

  it('a code over the size limit, and init code, run on the interpreter, with the reason recorded', async () => {
    const programs = new ProgramCache({ dir: false, maxCodeBytes: 8 });
    const ex = await customExecutor({ kernel: 'compiled', programs });
    const big: Case = { name: 'big', code: asm('PUSH 1 PUSH 2 ADD PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN') };
    const small: Case = { name: 'small', code: asm('PUSH 1 POP STOP') };
    const create = { ...gpuCall({ name: 'init', code: asm('PUSH 2 POP STOP') }, 2), isCreate: true };
    const rs = await ex.execute(gpuBlock({ fork: 'Prague' }), { accounts: new Map() }, [gpuCall(big, 0), gpuCall(small, 1), create]);
    expect(rs.map((r) => r.kernel)).toEqual(['interpreter', 'compiled', 'interpreter']);
    expect(programs.report().map((e) => e.reason ?? e.source).sort()).toEqual(['compiled', 'create', 'too-large']);
    expect(rs[0].outcome).toBe(2);
  });
});

describe('property: random programs with loops and jumps', () => {
  for (const [fork, seed] of [['Prague', 0x5eed01], ['Cancun', 0x5eed02], ['London', 0x5eed03]] as const) {
    it(`200 programs at ${fork}: compiled = interpreter = reference`, async () => {
      const cases = randomCases(seed, 200);
      const { mismatches, results } = await diff({ fork }, cases);
      expect(noMismatches(mismatches)).toEqual([]);
      // The same cases on the interpreter kernel (its diff's "not compiled" notes are expected and ignored).
      const interp = await customExecutor({ kernel: 'interpreter' });
      const onInterp = (await diff({ fork }, cases, { executor: interp })).results;
      const bad = cases.flatMap((c, i) => (full(results[i]) === full(onInterp[i]) ? [] : [`${c.name}: ${hex(c.code)}\n  compiled    ${full(results[i])}\n  interpreter ${full(onInterp[i])}`]));
      expect(bad.slice(0, 5)).toEqual([]);
      // The programs exercise what they are meant to: most return, some run out of gas
      // or jump to a bad target, and some loop (more steps than instructions).
      const count = (o: number) => results.filter((r) => r.outcome === o).length;
      expect(count(Outcome.Return)).toBeGreaterThan(40);
      expect(count(Outcome.OutOfGas)).toBeGreaterThan(10);
      expect(count(Outcome.InvalidJump)).toBeGreaterThan(2);
      expect(results.filter((r, i) => r.steps > cases[i].code.length / 2).length).toBeGreaterThan(10);
    });
  }
});
