import { GpuRuntime, type GpuSession } from '../../src/gpu/runtime.js';

/**
 * The GPU of a test file: a runtime opened on first use and closed in afterAll. A file
 * that imports several suites (test/compiler/differential-compiled.test.ts) sees each
 * suite close it in turn, so closing leaves a fresh runtime for the next suite.
 */
let runtime = new GpuRuntime();

export function testSession(): Promise<GpuSession> {
  return runtime.session();
}

export async function closeTestGpu(): Promise<void> {
  const closing = runtime;
  runtime = new GpuRuntime();
  await closing.close();
}
