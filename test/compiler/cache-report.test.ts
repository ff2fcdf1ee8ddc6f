import { describe, expect, it } from 'vitest';
import { ProgramCache } from '../../src/compiler/cache.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { compilerReport, summariseContractKernels, summarisePrograms } from '../../src/compiler/cache-report.js';
import type { ContractKernelEntry } from '../../src/compiler/contract-kernels.js';
import { asm } from '../gpu/interpreter-harness.js';

const add = asm('PUSH 1 PUSH 2 ADD PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN');
const mul = asm('PUSH 3 PUSH 4 MUL PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN');
const init = asm('PUSH 0 PUSH 0 RETURN');
const rare = asm('PUSH 5 POP STOP');
const queued = asm('PUSH 6 POP STOP');
const huge = new Uint8Array(49_153);

/** One code in each state: compiled twice, then create, rare, pending, too-large. */
function filledCache(): ProgramCache {
  const c = new ProgramCache({ dir: false });
  const o = { isCreate: false, calls: 1, now: true };
  c.lookup(add, 'Prague', { ...o, calls: 40 });
  c.lookup(add, 'Prague', { ...o, calls: 2 });
  c.lookup(mul, 'Prague', { ...o, calls: 3 });
  c.lookup(init, 'Prague', { ...o, isCreate: true });
  c.lookup(rare, 'Prague', { ...o, minCalls: 5 });
  c.lookup(queued, 'Prague', { ...o, calls: 7, now: false });
  c.lookup(huge, 'Prague', o);
  return c;
}

describe('compiler cache report', () => {
  it('counts program cache entries by state, with compile times and the busiest codes first', () => {
    const c = filledCache();
    const r = summarisePrograms(c.report(), { queued: c.pendingCount() });
    expect(r.codes).toBe(6);
    expect(r.calls).toBe(42 + 3 + 1 + 1 + 7 + 1);
    expect(r.byState).toEqual({ compiled: 2, 'too-large': 1, create: 1, rare: 1, pending: 1 });
    expect(r.bySource).toEqual({ compiled: 2, disk: 0 });
    expect(r.queued).toBe(1);
    const compiledMs = c.report().filter((e) => e.program).map((e) => e.ms!);
    expect(r.msTotal).toBeCloseTo(compiledMs[0]! + compiledMs[1]!, 2);
    expect(r.msMax).toBeCloseTo(Math.max(...compiledMs), 2);
    expect(r.top.map((e) => [e.calls, e.state])).toEqual([
      [42, 'compiled'],
      [7, 'pending'],
      [3, 'compiled'],
      [1, 'too-large'], // ties: larger code first
      [1, 'create'],
      [1, 'rare'],
    ]);
    const first = r.top[0]!;
    expect(first).toMatchObject({ key: ProgramCache.key(add, 'Prague'), codeHash: `0x${Buffer.from(keccak_256(add)).toString('hex')}`, fork: 'Prague', bytes: add.length, source: 'compiled' });
    expect(first.fragments).toBeGreaterThan(0);
    expect(first.programWords).toBeGreaterThan(0);
    expect(r.top[1]).not.toHaveProperty('ms');
    // Draining the queue moves the pending code to compiled.
    c.drain();
    expect(summarisePrograms(c.report()).byState).toMatchObject({ compiled: 3, pending: 0 });
  });

  it('bounds the list, and is plain JSON (no bigint, typed arrays or pipelines)', () => {
    const c = filledCache();
    const r = compilerReport({ programs: c.report(), top: 2 });
    expect(r.programs.top).toHaveLength(2);
    expect(r.gpu).toEqual({ open: false });
    expect(r).not.toHaveProperty('contractKernels');
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(summarisePrograms(c.report(), { top: 0 }).top).toEqual([]);
  });

  it('summarises contract kernels by state, joined with the program cache calls', () => {
    const c = filledCache();
    const k = (code: Uint8Array, e: Partial<ContractKernelEntry>): ContractKernelEntry => ({ key: ProgramCache.key(code, 'Prague'), codeBytes: code.length, ...e });
    const kernels = [
      k(add, { fragments: 3, wgslBytes: 900, emitMs: 1.5, pipelineMs: 1200.25, pipeline: {} as GPUComputePipeline }),
      k(mul, { fragments: 3, wgslBytes: 800, emitMs: 0.5, reason: 'pending', ready: new Promise(() => {}) }),
      k(rare, { fragments: 2, emitMs: 0.25, reason: 'failed', error: 'x'.repeat(2000) }),
      k(huge, { fragments: 9000, reason: 'too-many-fragments' }),
    ];
    const r = summariseContractKernels(kernels, { callsByKey: new Map(c.report().map((e) => [e.key, e.calls])) });
    expect(r.codes).toBe(4);
    expect(r.byState).toEqual({ ready: 1, pending: 1, failed: 1, 'too-many-fragments': 1 });
    expect(r.emitMsTotal).toBe(2.25);
    expect(r.emitMsMax).toBe(1.5);
    expect(r.pipelineMsTotal).toBe(1200.25);
    expect(r.pipelineMsMax).toBe(1200.25);
    expect(r.top.map((e) => [e.state, e.calls])).toEqual([['ready', 42], ['pending', 3], ['too-many-fragments', 1], ['failed', 1]]);
    expect(r.top[3]!.error!.length).toBeLessThan(600);
    expect(r.top[0]).not.toHaveProperty('pipeline');

    const all = compilerReport({ programs: c.report(), contractKernels: kernels, gpu: { adapter: 'test adapter', software: true, compiledPipelineMs: 2500.1234 } });
    expect(all.gpu).toEqual({ open: true, adapter: 'test adapter', software: true, compiledPipelineMs: 2500.123 });
    expect(all.contractKernels?.byState.ready).toBe(1);
    expect(JSON.parse(JSON.stringify(all))).toEqual(all);
  });
});
