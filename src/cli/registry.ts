import { readEnvironment } from '../config/environment.js';
import { resolveConfig } from '../config/resolve.js';
import { ConfigError } from '../config/values.js';
import { EngineRegistry } from '../registry/registry.js';

/**
 * The engines of a one-shot command (execute, statetest, blocktest, t8n), configured
 * from the environment's EVMGPU_* runtime variables, read and validated here, once.
 * A bad value is reported like a usage error: exit code 2.
 */
export function openRegistry(command: string): EngineRegistry | 2 {
  try {
    return new EngineRegistry(resolveConfig({}, readEnvironment()).runtime);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`${command}: ${e.message}`);
    return 2;
  }
}
