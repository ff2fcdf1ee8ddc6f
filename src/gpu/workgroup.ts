/**
 * Invocations per workgroup of the EVM kernels: the `WORKGROUP` override of
 * kernels/interpreter/call.wgsl, set when a pipeline is made, and the size the executor
 * divides a dispatch's calls by. One value per device (PipelineCache.workgroup).
 *
 * A hardware GPU runs a workgroup's invocations in warps of 32 or waves of 64, so 64.
 * lavapipe runs a whole workgroup on one thread, eight invocations at a time in one
 * SIMD vector; with 64, a wave's 100 frames were two workgroups on two threads, and the
 * longest frame held its thread while seven other vectors waited behind it. With 8,
 * one vector a workgroup, the threads take the vectors as they come.
 */
export const HARDWARE_WORKGROUP = 64;
export const SOFTWARE_WORKGROUP = 8;

export function evmWorkgroup(software: boolean): number {
  return software ? SOFTWARE_WORKGROUP : HARDWARE_WORKGROUP;
}

/** The pipeline constants that set an EVM kernel's workgroup size. */
export function workgroupConstants(workgroup: number): Record<string, number> {
  return { WORKGROUP: workgroup };
}
