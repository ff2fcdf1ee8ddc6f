import { GpuRuntime, type GpuSession } from '../../src/gpu/runtime.js';

/**
 * The GPU of a test file: one runtime per file (vitest runs each file in a process of
 * its own), opened on first use, closed in the file's afterAll.
 */
const runtime = new GpuRuntime();

export function testSession(): Promise<GpuSession> {
  return runtime.session();
}

export function closeTestGpu(): Promise<void> {
  return runtime.close();
}
