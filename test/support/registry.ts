import { readEnvironment } from '../../src/config/environment.js';
import { resolveConfig } from '../../src/config/resolve.js';
import type { RuntimeConfig } from '../../src/config/runtime.js';
import { EngineRegistry, type RegistryOptions } from '../../src/registry/registry.js';

/**
 * The runtime configuration tests run with: the service's, from this environment, so
 * EVMGPU_CONTRACT_KERNELS, EVMGPU_CPU_WORKERS and the rest steer a test run as they
 * steer the service (src/compiler/README.md runs the state tests on contract kernels
 * this way), with `changes` on top.
 */
export function testRuntime(changes: Partial<RuntimeConfig> = {}): RuntimeConfig {
  return { ...resolveConfig({}, readEnvironment()).runtime, ...changes };
}

/**
 * A registry for tests. Its `auto` waits for GPU kernels still being made (the service's
 * takes the CPU routes meanwhile), so a test covers the same routes whatever the
 * machine's speed; `waitForKernels: false` gives the service's behaviour.
 */
export function testRegistry(opts: RegistryOptions & { runtime?: Partial<RuntimeConfig> } = {}): EngineRegistry {
  return new EngineRegistry(testRuntime(opts.runtime), { waitForKernels: true, ...opts });
}
