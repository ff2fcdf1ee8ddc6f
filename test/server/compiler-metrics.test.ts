import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';
import { ProgramCache } from '../../src/compiler/cache.js';
import type { CompilerReport } from '../../src/compiler/cache-report.js';
import { compiledPipeline } from '../../src/compiler/kernel-policy.js';
import { EngineRegistry } from '../../src/registry/registry.js';
import { testRegistry } from '../support/registry.js';
import { asm } from '../gpu/interpreter-harness.js';
import { newApp, post, sample } from './helpers.js';

// Keep the registries' program files out of the user's cache.
const dir = mkdtempSync(join(tmpdir(), 'evmgpu-metrics-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const registryIn = (cacheDir: string) => testRegistry({ runtime: { cacheDir } });

const PROGRAM_STATES = ['compiled', 'too-large', 'create', 'rare', 'pending'];
const KERNEL_STATES = ['ready', 'pending', 'failed', 'too-many-fragments'];

const metrics = async (app: FastifyInstance) => (await app.inject({ method: 'GET', url: '/metrics' })).body;
async function stats(app: FastifyInstance): Promise<CompilerReport> {
  const res = await app.inject({ method: 'GET', url: '/v1/stats' });
  expect(res.statusCode).toBe(200);
  return res.json().compiler;
}

describe('compiler caches in GET /v1/stats and /metrics', () => {
  const registry = registryIn(dir);
  const app = newApp({}, { registry });
  afterAll(() => app.close());

  it('without a GPU context: programs only, contract kernels 0, no pipeline time, and no device opened', async () => {
    expect(registry.gpu.current()).toBeUndefined();
    const s = await stats(app);
    expect(s.gpu).toEqual({ open: false });
    expect(s).not.toHaveProperty('contractKernels');
    const text = await metrics(app);
    for (const state of PROGRAM_STATES) expect(sample(text, 'evmgpu_compiled_programs', { state }), state).toBe(s.programs.byState[state as 'compiled']);
    for (const state of KERNEL_STATES) expect(sample(text, 'evmgpu_contract_kernels', { state }), state).toBe(0);
    expect(text).toMatch(/^# TYPE evmgpu_program_compile_ms_total gauge$/m);
    expect(sample(text, 'evmgpu_compiled_kernel_pipeline_ms')).toBeUndefined();
    expect(registry.gpu.current()).toBeUndefined();
  });

  it("counts the registry's program cache by state at scrape time, with compile ms", async () => {
    const before = await metrics(app);
    const cache = registry.compiler.programs;
    const o = { isCreate: false, calls: 1, now: true };
    const a = asm('PUSH 1 PUSH 2 ADD PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN');
    const b = asm('PUSH 3 PUSH 4 MUL PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN');
    cache.lookup(a, 'Prague', { ...o, calls: 30 });
    cache.lookup(b, 'Prague', o);
    cache.lookup(asm('PUSH 0 PUSH 0 RETURN'), 'Prague', { ...o, isCreate: true });
    cache.lookup(asm('PUSH 5 POP STOP'), 'Prague', { ...o, minCalls: 5 });
    cache.lookup(asm('PUSH 6 POP STOP'), 'Prague', { ...o, now: false });
    cache.lookup(new Uint8Array(49_153), 'Prague', o);
    const after = await metrics(app);
    const delta = (name: string, labels: Record<string, string> = {}) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect(Object.fromEntries(PROGRAM_STATES.map((state) => [state, delta('evmgpu_compiled_programs', { state })]))).toEqual({
      compiled: 2,
      'too-large': 1,
      create: 1,
      rare: 1,
      pending: 1,
    });
    const mine = [a, b].map((c) => cache.report().find((e) => e.key === ProgramCache.key(c, 'Prague'))!.ms!);
    expect(delta('evmgpu_program_compile_ms_total')).toBeCloseTo(mine[0]! + mine[1]!, 2);
    expect(sample(after, 'evmgpu_program_compile_ms_max')).toBeGreaterThanOrEqual(Math.max(...mine) - 0.001);

    const s = await stats(app);
    const top = s.programs.top.find((e) => e.key === ProgramCache.key(a, 'Prague'))!;
    expect(top).toMatchObject({ bytes: a.length, calls: 30, state: 'compiled', source: 'compiled' });
    expect(top.fragments).toBeGreaterThan(0);
    for (const state of PROGRAM_STATES) expect(s.programs.byState[state as 'compiled']).toBe(sample(after, 'evmgpu_compiled_programs', { state }));
    expect(s.programs.queued).toBe(1);
    expect(s.programs.top.length).toBeLessThanOrEqual(20);
  });

  it('after a batch on engine gpu: the open device, its kernels and the shared pipeline time', async () => {
    const gpuRegistry = registryIn(dir);
    const gpuApp = newApp({}, { registry: gpuRegistry });
    try {
      const before = await metrics(gpuApp);
      const res = await post(gpuApp, { ...erc20TransferBatch({ transfers: 16 }), options: { engine: 'gpu' } });
      expect(res.statusCode, res.body).toBe(200);
      const session = gpuRegistry.gpu.current();
      expect(session).toBeDefined();
      await compiledPipeline(session!.pipelines);
      const ctx = session!.ctx;

      const s = await stats(gpuApp);
      expect(s.gpu).toMatchObject({ open: true, adapter: ctx!.adapterName, software: ctx!.software });
      expect(s.gpu.compiledPipelineMs).toBeGreaterThan(0);
      expect(s.contractKernels).toBeDefined();
      // 16 calls to the token: compiled before the dispatch (compileNowMinCalls).
      const token = s.programs.top.find((e) => e.calls >= 16 && e.bytes > 1000);
      expect(token).toMatchObject({ state: 'compiled' });

      const after = await metrics(gpuApp);
      expect((sample(after, 'evmgpu_compiled_programs', { state: 'compiled' }) ?? 0) - (sample(before, 'evmgpu_compiled_programs', { state: 'compiled' }) ?? 0)).toBeGreaterThanOrEqual(1);
      expect(sample(after, 'evmgpu_compiled_kernel_pipeline_ms')).toBeCloseTo(s.gpu.compiledPipelineMs!, 2);
      for (const state of KERNEL_STATES) expect(sample(after, 'evmgpu_contract_kernels', { state }), state).toBe(s.contractKernels!.byState[state as 'ready']);
      expect(sample(after, 'evmgpu_contract_kernel_pipeline_ms_total')).toBe(s.contractKernels!.pipelineMsTotal);
    } finally {
      await gpuApp.close();
    }
    // Closing the app closes its registry and with it the device: reports go back to programs only.
    expect(gpuRegistry.gpu.current()).toBeUndefined();
    expect(gpuRegistry.compilerReport().gpu).toEqual({ open: false });
  });
});
