import { afterAll, describe, expect, it } from 'vitest';
import { ProgramCache } from '../../src/compiler/cache.js';
import { ContractKernels } from '../../src/compiler/contract-kernels.js';
import { closeTestGpu, testSession } from '../support/gpu.js';
import type { CompilerExecutorOptions } from '../../src/compiler/executor.js';
import { addr, asm, customExecutor, diff, gpuBlock, gpuCall, hex, noMismatches, type Case } from '../gpu/interpreter-harness.js';
import { full, randomCases } from './random-program.js';
import { Outcome } from '../../src/evm/outcome.js';
import type { WireBatch } from '../../src/model/shapes.js';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';
import { callFrames } from '../../bench/workloads/call-frames.js';

/**
 * The WGSL back end on the GPU (lavapipe in CI): each code runs on a kernel of its own,
 * compiled from the emitted WGSL, and must give what the program back end, the
 * interpreter kernel and @ethereumjs/evm give. On lavapipe every contract kernel costs
 * one to a few seconds of shader compile, so these tests use small programs; the full
 * opcode suite and the state tests run with compiled programs (the same lowering) in
 * statetest-compiled and differential-compiled.
 */
afterAll(() => closeTestGpu());

// Shader compiles on lavapipe share two cores with the other test files: generous limits.
const SLOW = 600_000;


// One set of kernels for the tests that do not change the emitted code, so a code seen
// by two tests is compiled once.
let shared: ContractKernels | undefined;

async function contractExecutor(opts: CompilerExecutorOptions & { rewrite?: (w: string) => string; maxFragments?: number } = {}) {
  const ctx = await testSession();
  const own = opts.rewrite || opts.maxFragments;
  if (!own && !shared) shared = new ContractKernels(ctx.device, { dir: false });
  const contracts = own ? new ContractKernels(ctx.device, { dir: false, rewrite: opts.rewrite, maxFragments: opts.maxFragments }) : shared!;
  const ex = await customExecutor({ kernel: 'compiled', contractKernels: 'wait', contractFragments: 'all', programs: new ProgramCache({ dir: false }), contracts, ...opts });
  return { ex, contracts };
}

// Every contract kernel costs lavapipe half a minute of compile, so CI builds seven
// (three of the six codes below, one random program of four, and the other tests'
// four) and EVMGPU_LONG=1 (npm run test:long) builds them all.
const LONG = process.env.EVMGPU_LONG === '1';
const CI_SMALL = new Set(['loop to 100', 'loop out of gas', 'dynamic jump, valid', 'dynamic jump, invalid', 'frame words and a wide constant']);

const ALL_SMALL: Case[] = [
  { name: 'straight line', code: asm('PUSH 2 PUSH 3 ADD DUP1 MUL PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN') },
  { name: 'loop to 100', code: asm('PUSH 0 JUMPDEST PUSH 1 ADD DUP1 PUSH 100 GT PUSH 2 JUMPI PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN') },
  { name: 'dynamic jump, valid', code: asm('PUSH 0 CALLDATALOAD JUMP JUMPDEST PUSH 1 STOP JUMPDEST PUSH 2 STOP'), data: Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 4 : 0)) },
  { name: 'dynamic jump, invalid', code: asm('PUSH 0 CALLDATALOAD JUMP JUMPDEST PUSH 1 STOP JUMPDEST PUSH 2 STOP'), data: Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 5 : 0)) },
  { name: 'folded jumps, an invalid target', code: asm('PUSH 9 PUSH 1 SWAP1 DUP1 POP JUMP INVALID JUMPDEST PUSH 0 PUSH 20 JUMPI PUSH 1 PUSH 30 JUMPI STOP') },
  { name: 'frame words and a wide constant', code: asm('PUSH32 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20 CALLER XOR NUMBER ADD PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN') },
  { name: 'loop out of gas', code: asm('PUSH 0 JUMPDEST PUSH 1 ADD DUP1 PUSH 100 GT PUSH 2 JUMPI PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN'), gas: 700n },
  { name: 'stack underflow at a fragment entry', code: asm('PUSH 1 ADD STOP') },
];
const SMALL = LONG ? ALL_SMALL : ALL_SMALL.filter((c) => CI_SMALL.has(c.name));

describe(`contract kernels: the WGSL back end on the GPU (${LONG ? 'every case' : 'a subset; EVMGPU_LONG=1 for every case'})`, () => {
  it('the emitted code drives execution: a constant changed in the WGSL changes the result', async () => {
    const code = asm('PUSH 5 PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN');
    const { ex } = await contractExecutor({ rewrite: (w) => w.replace('u256_from_u32(0x5u)', 'u256_from_u32(0x6u)') });
    const [r] = await ex.execute(gpuBlock({ fork: 'Prague' }), { accounts: new Map() }, [gpuCall({ name: 'return 5', code }, 0)]);
    expect(r.kernel).toBe('contract');
    expect(BigInt(`0x${hex(r.returnData)}`)).toBe(6n);
  }, SLOW);

  it('small programs: contract kernel = program kernel = interpreter = reference, every field', async () => {
    const { ex, contracts } = await contractExecutor();
    const { mismatches, results } = await diff({ fork: 'Prague' }, SMALL, { executor: ex });
    expect(noMismatches(mismatches)).toEqual([]);
    expect(results.map((r) => r.kernel)).toEqual(SMALL.map(() => 'contract'));
    for (const kernel of ['compiled', 'interpreter'] as const) {
      const other = (await diff({ fork: 'Prague' }, SMALL, { executor: await customExecutor({ kernel, contractKernels: 'off' }) })).results;
      const bad = SMALL.flatMap((c, i) => (full(results[i]) === full(other[i]) ? [] : [`${c.name}\n  contract ${full(results[i])}\n  ${kernel} ${full(other[i])}`]));
      expect(bad).toEqual([]);
    }
    // Distinct codes, one kernel each (the two dynamic-jump cases share a code).
    expect(contracts.report().filter((e) => e.pipeline).length).toBe(new Set(SMALL.map((c) => hex(c.code))).size);
    expect(contracts.report().every((e) => e.fragments! > 0 && e.wgslBytes! > 0 && e.pipelineMs! > 0)).toBe(true);
    // None of them has a frame opcode: their kernels are built without the frame stack.
    expect(contracts.report().map((e) => e.frames)).toEqual(contracts.report().map(() => false));
  }, SLOW);

  it('a code with frame opcodes gets a kernel with the frame stack: a value call into a contract, then a self-destruct, as the interpreter and the reference run them', async () => {
    const callee = 0xb0b0;
    const c: Case = {
      name: 'calls, then self-destructs',
      balance: 5n,
      code: asm(`PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 2 PUSH ${callee} GAS CALL PUSH 0 SSTORE PUSH ${callee} SELFDESTRUCT`),
      accounts: [{ address: addr(callee), balance: 1n, nonce: 1n, code: asm('PUSH 0x42 PUSH 3 SSTORE CALLVALUE PUSH 4 SSTORE STOP') }],
    };
    const { ex, contracts } = await contractExecutor();
    const { mismatches, results } = await diff({ fork: 'Prague' }, [c], { executor: ex });
    expect(noMismatches(mismatches)).toEqual([]);
    expect(results.map((r) => [r.kernel, r.outcome])).toEqual([['contract', Outcome.Stop]]);
    expect(contracts.report().filter((e) => e.frames).map((e) => e.codeBytes)).toEqual([c.code.length]);
  }, SLOW);

  it('random programs with loops and jumps at Prague: contract kernel = interpreter = reference', async () => {
    const cases = randomCases(0x5eed11, LONG ? 4 : 1);
    const { ex } = await contractExecutor();
    const { mismatches, results } = await diff({ fork: 'Prague' }, cases, { executor: ex });
    expect(noMismatches(mismatches)).toEqual([]);
    expect(results.every((r) => r.kernel === 'contract')).toBe(true);
    const interp = (await diff({ fork: 'Prague' }, cases, { executor: await customExecutor({ kernel: 'interpreter' }) })).results;
    const bad = cases.flatMap((c, i) => (full(results[i]) === full(interp[i]) ? [] : [`${c.name}: ${hex(c.code)}\n  contract    ${full(results[i])}\n  interpreter ${full(interp[i])}`]));
    expect(bad).toEqual([]);
  }, SLOW);

  it('one dispatch mixing contract kernels, the program kernel and the interpreter, split across scratch chunks, keeps every result in place', async () => {
    const a = SMALL[0];
    const b = SMALL[1];
    const small = { name: 'rare', code: asm('PUSH 7 PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN') };
    const create = { ...gpuCall({ name: 'init', code: asm('PUSH 9 PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN') }, 0), isCreate: true };
    // `background` with compileNowMinCalls 3: a and b (3 calls each) get kernels, `small` (1 call) the program kernel, init code the interpreter.
    const { contracts } = await contractExecutor();
    const opts: CompilerExecutorOptions = { kernel: 'compiled', contractKernels: 'background', contractFragments: 'all', compileNowMinCalls: 3, programs: new ProgramCache({ dir: false }), contracts, maxScratchBytesPerDispatch: 3 * 64 << 10 };
    const ex = await customExecutor(opts);
    const order = [a, small, b, a, b, a, b];
    const calls = () => [...order.map((c, i) => gpuCall(c, i)), create];
    const block = gpuBlock({ fork: 'Prague' });
    await ex.execute(block, { accounts: new Map() }, calls());
    for (const c of [a, b]) await contracts.wait(c.code, 'Prague');
    const rs = await ex.execute(block, { accounts: new Map() }, calls());
    expect(rs.map((r) => r.kernel)).toEqual(['contract', 'compiled', 'contract', 'contract', 'contract', 'contract', 'contract', 'interpreter']);
    const want = await (await customExecutor({ kernel: 'interpreter' })).execute(block, { accounts: new Map() }, calls());
    expect(rs.map(full)).toEqual(want.map(full));
    expect(BigInt(`0x${hex(rs[7].returnData)}`)).toBe(9n);
  }, SLOW);

  it('a kernel of the fragments a sample transfer entered: ERC-20 transfers equal the program kernel field by field, the rest of the token running as its program', async () => {
    const wire = erc20TransferBatch({ transfers: 48 }) as WireBatch;
    const { block, state, calls } = callFrames(wire);
    // Two kinds of call: transfers, and calls the sample never made (approve), which
    // leave the sampled fragments and run on the program inside the same kernel.
    const approve = calls.slice(0, 16).map((c) => ({ ...c, data: Uint8Array.from(Buffer.from(`095ea7b3${'00'.repeat(12)}${'ab'.repeat(20)}${(7).toString(16).padStart(64, '0')}`, 'hex')) }));
    const all = [...calls, ...approve];
    const ctx = await testSession();
    const contracts = new ContractKernels(ctx.device, { dir: false });
    const ex = await customExecutor({ kernel: 'compiled', contractKernels: 'wait', contractFragments: 'entered', programs: new ProgramCache({ dir: false }), contracts });
    const rs = await ex.execute(block, state, all);
    const [entry] = contracts.report();
    expect(entry.sampled).toBe(true);
    expect(entry.fragments).toBeGreaterThan(10);
    expect(entry.fragments).toBeLessThan(entry.totalFragments! / 4);
    expect(rs.every((r) => r.kernel === 'contract')).toBe(true);
    const want = await (await customExecutor({ kernel: 'compiled', contractKernels: 'off', programs: new ProgramCache({ dir: false }) })).execute(block, state, all);
    expect(rs.map(full)).toEqual(want.map(full));
    expect(rs.every((r) => r.outcome === Outcome.Return)).toBe(true);
    expect(rs[48].logs.length).toBe(1);
  }, SLOW);

  it('a code with more fragments than the limit keeps the shared kernels, with the reason recorded', async () => {
    const { ex, contracts } = await contractExecutor({ maxFragments: 2 });
    const c = SMALL[1];
    const [r] = await ex.execute(gpuBlock({ fork: 'Prague' }), { accounts: new Map() }, [gpuCall(c, 0)]);
    expect(r.kernel).toBe('compiled');
    expect(contracts.report().map((e) => [e.reason, e.totalFragments])).toEqual([['too-many-fragments', 4]]);
  });
});
