import { awaitDevice } from './event-pump.js';

/**
 * WGSL to GPU objects. Dawn reports WGSL errors asynchronously through compilation
 * info and error scopes; these helpers turn them into one thrown Error with every
 * message and its line, so a bad shader fails where it is created, not at dispatch.
 */

/** Creates a shader module and fails with the compiler's messages if WGSL is rejected. */
export async function compileWgsl(device: GPUDevice, code: string, label: string): Promise<GPUShaderModule> {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code, label });
  const info = await awaitDevice(module.getCompilationInfo());
  const scope = await awaitDevice(device.popErrorScope());
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length || scope) {
    const lines = errors.map((m) => `${label}:${m.lineNum}:${m.linePos}: ${m.message}`);
    throw new Error(`WGSL compile failed\n${lines.join('\n') || scope?.message}`);
  }
  return module;
}

/**
 * A compute pipeline for `code`'s `main` entry point. Created with
 * createComputePipelineAsync, which Dawn runs off the JS thread: lavapipe takes
 * seconds for the interpreter and minutes for a large contract kernel, and the wait
 * is a device wait (event-pump.ts): Dawn's pump spinning through it held the main
 * thread and made 70 MB/s of garbage while the service was starting up and serving.
 * `constants` sets the module's pipeline-overridable constants (an EVM kernel's
 * WORKGROUP, workgroup.ts).
 */
export async function computePipeline(device: GPUDevice, code: string, label: string, constants?: Record<string, number>): Promise<GPUComputePipeline> {
  const module = await compileWgsl(device, code, label);
  return awaitDevice(device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main', constants }, label }));
}
