import type { ContractFragments, ContractKernelMode } from '../config/runtime.js';
import type { GpuBlockContext, GpuCall, GpuStateSnapshot } from '../gpu/abi.js';
import { interpreterPipeline, type KernelKind, type KernelMode, type KernelPlan, type KernelPolicy } from '../gpu/kernel-policy.js';
import type { PipelineCache } from '../gpu/pipelines.js';
import type { ProgramCache } from './cache.js';
import type { CompiledProgram } from './compile.js';
import type { ContractKernels, Sampler } from './contract-kernels.js';
import { compiledKernelSource } from './kernel-source.js';
import { enteredFragments, sampleTrace } from './profile.js';

/**
 * The compiler's kernel policy: which calls run their code's compiled program on the
 * shared compiled-program kernel, which run a kernel of their contract's own, and
 * which stay on the interpreter.
 *
 * `compiled`: every code is compiled before its first dispatch (unless the cache
 * refuses it) and runs its program. `auto`: compiled programs where they exist; a
 * code seen in fewer than `compileNowMinCalls` calls of a dispatch is compiled after
 * it, while the interpreter serves it, and the compiled-program kernel is used only
 * once its pipeline exists. Contract kernels (ContractKernelMode) come on top.
 */
export interface CompilerPolicyOptions {
  /** `auto` or `compiled` (the `interpreter` mode needs no compiler). */
  mode: Exclude<KernelMode, 'interpreter'>;
  programs: ProgramCache;
  contracts: ContractKernels;
  contractKernels: ContractKernelMode;
  contractFragments: ContractFragments;
  /** A code with at least this many calls in a dispatch is compiled before it (`auto`), and gets its contract kernel requested (`background`). Default 16. */
  compileNowMinCalls?: number;
  /** In `auto` mode, a code is compiled once it has been seen in this many calls (counted across dispatches); rarer codes stay interpreted. Default 1: on first sight. */
  minCallsToCompile?: number;
}

/** The name of the compiled-program kernel's pipeline in a device's cache. */
export const COMPILED_PIPELINE = 'evm-compiled';

export function compiledPipeline(pipelines: PipelineCache): Promise<GPUComputePipeline> {
  return pipelines.evmKernel(COMPILED_PIPELINE, compiledKernelSource);
}

export class CompilerPolicy implements KernelPolicy {
  private readonly compileNowMinCalls: number;
  private readonly minCallsToCompile: number;

  constructor(
    private readonly pipelines: PipelineCache,
    private readonly o: CompilerPolicyOptions,
  ) {
    this.compileNowMinCalls = o.compileNowMinCalls ?? 16;
    this.minCallsToCompile = o.mode === 'compiled' ? 1 : o.minCallsToCompile ?? 1;
  }

  async warmUp(): Promise<void> {
    await interpreterPipeline(this.pipelines);
    await compiledPipeline(this.pipelines);
  }

  async plan(block: GpuBlockContext, state: GpuStateSnapshot, calls: readonly GpuCall[]): Promise<KernelPlan> {
    // Per code: how many calls run it, and the first of them (one pass: a rerun wave may hold thousands of calls).
    const counts = new Map<Uint8Array, number>();
    const firsts = new Map<Uint8Array, GpuCall>();
    for (const c of calls) {
      counts.set(c.code, (counts.get(c.code) ?? 0) + 1);
      if (!firsts.has(c.code)) firsts.set(c.code, c);
    }
    const programs = this.choosePrograms(block, calls, counts, firsts);
    const contract = await this.chooseContractKernels(block, state, calls, counts, firsts);
    const shared = programs ? await compiledPipeline(this.pipelines) : await interpreterPipeline(this.pipelines);
    // A contract kernel runs its code's program wherever it has no fragment of its own.
    const inBlob = contract ? calls.map((c, i) => (contract[i] ? this.o.programs.peek(c.code, block.fork) : programs?.[i])) : programs;
    return {
      pipelines: calls.map((_, i) => contract?.[i] ?? shared),
      programs: inBlob?.map((p) => p?.words),
      kinds: calls.map((_, i): KernelKind => (contract?.[i] ? 'contract' : programs?.[i] ? 'compiled' : 'interpreter')),
      // Contract kernels are made with at least this many (ContractKernelOptions.workgroup).
      workgroup: this.pipelines.workgroup,
    };
  }

  /** The programs of the calls (undefined: interpreted), looked up once per code; undefined when the compiled-program kernel does not run this dispatch. */
  private choosePrograms(block: GpuBlockContext, calls: readonly GpuCall[], counts: Map<Uint8Array, number>, firsts: Map<Uint8Array, GpuCall>): (CompiledProgram | undefined)[] | undefined {
    const byCode = new Map<Uint8Array, CompiledProgram | undefined>();
    for (const [code, n] of counts) {
      const isCreate = firsts.get(code)!.isCreate;
      const now = this.o.mode === 'compiled' || n >= this.compileNowMinCalls;
      byCode.set(code, this.o.programs.lookup(code, block.fork, { isCreate, calls: n, now, minCalls: this.minCallsToCompile }));
    }
    if (this.o.programs.pendingCount() > 0) setImmediate(() => this.o.programs.drain());
    if (![...byCode.values()].some(Boolean)) return undefined;
    if (this.o.mode === 'auto' && !this.pipelines.evmKernelReady(COMPILED_PIPELINE, compiledKernelSource)) return undefined;
    return calls.map((c) => byCode.get(c.code));
  }

  /** Each call's kernel of its code's own, where one exists (or, in `wait` mode, once created). */
  private async chooseContractKernels(block: GpuBlockContext, state: GpuStateSnapshot, calls: readonly GpuCall[], counts: Map<Uint8Array, number>, firsts: Map<Uint8Array, GpuCall>): Promise<(GPUComputePipeline | undefined)[] | undefined> {
    if (this.o.contractKernels === 'off') return undefined;
    const byCode = new Map<Uint8Array, Promise<GPUComputePipeline | undefined> | GPUComputePipeline | undefined>();
    for (const [code, n] of counts) {
      if (!this.o.programs.peek(code, block.fork)) continue;
      const first = firsts.get(code)!;
      const sample: Sampler | undefined =
        this.o.contractFragments === 'entered' ? async (program) => enteredFragments(program, await sampleTrace(block, state, first)) : undefined;
      // All requested before any is awaited: the shader compiler works on them at once.
      if (this.o.contractKernels === 'wait') byCode.set(code, this.o.contracts.wait(code, block.fork, sample));
      else if (n >= this.compileNowMinCalls) byCode.set(code, this.o.contracts.request(code, block.fork, sample));
    }
    for (const [code, k] of byCode) byCode.set(code, await k);
    if (![...byCode.values()].some(Boolean)) return undefined;
    return calls.map((c) => byCode.get(c.code) as GPUComputePipeline | undefined);
  }
}
