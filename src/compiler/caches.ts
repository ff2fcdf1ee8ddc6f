import type { RuntimeConfig } from '../config/runtime.js';
import type { KernelMode, KernelPolicy } from '../gpu/kernel-policy.js';
import { InterpreterPolicy } from '../gpu/kernel-policy.js';
import type { GpuSession, KernelPolicyFactory } from '../gpu/runtime.js';
import { ProgramCache } from './cache.js';
import { compilerReport, type CompilerReport } from './cache-report.js';
import { ContractKernels } from './contract-kernels.js';
import { COMPILED_PIPELINE, CompilerPolicy, type CompilerPolicyOptions } from './kernel-policy.js';

/**
 * The compiler's state in a running service, owned by the engine registry: one
 * program cache (memory and disk, kept across devices), and per GPU session the
 * contract kernels of that device. It hands the GPU runtime its kernel policies and
 * reports on every cache, without ever opening a device.
 */
export class CompilerCaches {
  readonly programs: ProgramCache;

  constructor(private readonly config: Pick<RuntimeConfig, 'cacheDir' | 'contractKernels' | 'contractFragments'>) {
    this.programs = new ProgramCache({ dir: config.cacheDir });
  }

  /** The contract kernels of a session's device, made on first need. */
  contractKernels(session: GpuSession): ContractKernels {
    return session.memo('compiler:contract-kernels', () => new ContractKernels(session.device, { dir: this.config.cacheDir, workgroup: session.pipelines.workgroup }));
  }

  /** For GpuRuntime: the interpreter for `interpreter`, the compiler's policy otherwise, with the configured contract kernels. */
  readonly policies: KernelPolicyFactory = (session: GpuSession, mode: KernelMode): KernelPolicy => {
    if (mode === 'interpreter') return new InterpreterPolicy(session.pipelines);
    return new CompilerPolicy(session.pipelines, this.policyOptions(session, mode));
  };

  /** The policy options of a mode on a session, contract kernels by the adapter where the configuration leaves them open. */
  policyOptions(session: GpuSession, mode: Exclude<KernelMode, 'interpreter'>): CompilerPolicyOptions {
    const software = session.ctx.software;
    return {
      mode,
      programs: this.programs,
      contracts: this.contractKernels(session),
      contractKernels: this.config.contractKernels ?? (software ? 'off' : 'background'),
      contractFragments: this.config.contractFragments ?? (software ? 'entered' : 'all'),
    };
  }

  /** The caches as they are now; `session` is the open GPU session, if any (its contract kernels and pipeline time). */
  report(session: GpuSession | undefined, top?: number): CompilerReport {
    return compilerReport({
      programs: this.programs.report(),
      queued: this.programs.pendingCount(),
      top,
      ...(session
        ? {
            gpu: { adapter: session.ctx.adapterName, software: session.ctx.software, compiledPipelineMs: session.pipelines.ms(COMPILED_PIPELINE) },
            contractKernels: this.contractKernels(session).report(),
          }
        : {}),
    });
  }
}
