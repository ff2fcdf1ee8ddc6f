import { GpuCallExecutor } from '../gpu/executor.js';
import { InterpreterPolicy, type KernelMode } from '../gpu/kernel-policy.js';
import type { GpuLimitOptions } from '../gpu/limits.js';
import type { GpuSession } from '../gpu/runtime.js';
import { ProgramCache } from './cache.js';
import { ContractKernels } from './contract-kernels.js';
import { CompilerPolicy, type CompilerPolicyOptions } from './kernel-policy.js';

export interface CompilerExecutorOptions extends GpuLimitOptions, Partial<Omit<CompilerPolicyOptions, 'mode'>> {
  /** Default `auto`. */
  kernel?: KernelMode;
}

/**
 * An executor with a kernel policy of its own, for tools that compare kernels side by
 * side (tests, bench/compiler.ts): its own program cache and contract kernels unless
 * given, nothing on disk. The service's engines take theirs from the registry.
 */
export function compilerExecutor(session: GpuSession, o: CompilerExecutorOptions = {}): GpuCallExecutor {
  const mode = o.kernel ?? 'auto';
  const software = session.ctx.software;
  const policy =
    mode === 'interpreter'
      ? new InterpreterPolicy(session.pipelines)
      : new CompilerPolicy(session.pipelines, {
          mode,
          programs: o.programs ?? new ProgramCache(),
          contracts: o.contracts ?? new ContractKernels(session.device, { workgroup: session.pipelines.workgroup }),
          contractKernels: o.contractKernels ?? (software ? 'off' : 'background'),
          contractFragments: o.contractFragments ?? (software ? 'entered' : 'all'),
          compileNowMinCalls: o.compileNowMinCalls,
          minCallsToCompile: o.minCallsToCompile,
        });
  return new GpuCallExecutor(session.device, policy, o);
}
