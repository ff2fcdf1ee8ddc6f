import { compilerReport, type CompilerReport } from '../compiler/cache-report.js';
import { contractKernels } from '../compiler/contract-kernels.js';
import { compiledPipelineMs, sharedProgramCache } from '../gpu/call-executor.js';
import { currentGpuContext } from '../gpu/device.js';

/**
 * The process's compiler caches as they are now: the shared program cache, and when a
 * GPU context is already open, that device's contract kernels and the compiled-program
 * kernel's pipeline time. Never opens a GPU device.
 */
export function processCompilerReport(top?: number): CompilerReport {
  const programs = sharedProgramCache();
  const ctx = currentGpuContext();
  return compilerReport({
    programs: programs.report(),
    queued: programs.pendingCount(),
    top,
    ...(ctx
      ? {
          gpu: { adapter: ctx.adapterName, software: ctx.software, compiledPipelineMs: compiledPipelineMs(ctx.device) },
          contractKernels: contractKernels(ctx.device).report(),
        }
      : {}),
  });
}
