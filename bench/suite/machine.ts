import { cpus, totalmem } from 'node:os';
import type { GpuRuntime } from '../../src/gpu/runtime.js';
import type { Machine } from './types.js';

/** The machine and WebGPU adapter, so a report says whether its GPU figures came from llvmpipe. */
export async function describeMachine(gpu: GpuRuntime): Promise<Machine> {
  const cores = cpus();
  let adapter: string | null = null;
  let software: boolean | null = null;
  try {
    const { ctx } = await gpu.session();
    adapter = ctx.adapterName;
    software = ctx.software;
  } catch {
    // No adapter: the report says so (null) and the gpu rows carry the engine's own error.
  }
  return {
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    adapter,
    software,
  };
}
