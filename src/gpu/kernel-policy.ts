import type { GpuBlockContext, GpuCall, GpuCallResult, GpuStateSnapshot } from './abi.js';
import { interpreterSource } from './interpreter-wgsl.js';
import type { PipelineCache } from './pipelines.js';

/**
 * Which kernel runs each call of a dispatch. The executor asks a policy and runs what
 * it answers; the compiler (src/compiler/kernel-policy.ts) supplies the policy that
 * links compiled programs and contract kernels in, so the GPU layer never depends on
 * the compiler. `interpreter` mode needs no compiler at all.
 */
export type KernelMode = 'auto' | 'interpreter' | 'compiled';

export type KernelKind = NonNullable<GpuCallResult['kernel']>;

export interface KernelPlan {
  /** The pipeline each call runs on, in the calls' order. */
  readonly pipelines: readonly GPUComputePipeline[];
  /** Program words each call runs (linked into the blob once per distinct array); undefined: interpreted. */
  readonly programs?: readonly (Uint32Array | undefined)[];
  /** Which kernel ran each call, as results report it. */
  readonly kinds: readonly KernelKind[];
  /** Invocations per workgroup the pipelines were made with (workgroup.ts): the executor dispatches by it. */
  readonly workgroup: number;
}

export interface KernelPolicy {
  /** Creates the pipelines the policy will use, before the first dispatch needs them. */
  warmUp(): Promise<void>;
  /** The kernel of each call; `calls` are sorted so that calls of one code are adjacent. */
  plan(block: GpuBlockContext, state: GpuStateSnapshot, calls: readonly GpuCall[]): Promise<KernelPlan>;
}

/** The interpreter kernel's pipeline on a device. */
export function interpreterPipeline(pipelines: PipelineCache): Promise<GPUComputePipeline> {
  return pipelines.evmKernel('evm-interpreter', interpreterSource);
}

/** Every call on the interpreter kernel. */
export class InterpreterPolicy implements KernelPolicy {
  constructor(private readonly pipelines: PipelineCache) {}

  async warmUp(): Promise<void> {
    await interpreterPipeline(this.pipelines);
  }

  async plan(_block: GpuBlockContext, _state: GpuStateSnapshot, calls: readonly GpuCall[]): Promise<KernelPlan> {
    const p = await interpreterPipeline(this.pipelines);
    return { pipelines: calls.map(() => p), kinds: calls.map(() => 'interpreter' as const), workgroup: this.pipelines.workgroup };
  }
}
