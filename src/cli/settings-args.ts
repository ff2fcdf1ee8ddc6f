import { parseArgs } from 'node:util';
import { readEnvironment } from '../config/environment.js';
import { resolveConfig, type Config } from '../config/resolve.js';
import type { Setting } from '../config/setting.js';
import { ConfigError } from '../config/values.js';

/**
 * A long-running command's arguments (`serve`, `worker`): one string flag per setting and
 * --help, resolved with the environment into the whole configuration, then `check`ed.
 * Returns the configuration, or the exit code the command ends with: 0 after --help, 2
 * after a usage or configuration error (printed with the command's name).
 */
export function readSettings(command: string, args: string[], settings: readonly Setting<unknown>[], help: string, check?: (c: Config) => void): Config | number {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        ...Object.fromEntries(settings.map(({ flag }) => [flag, { type: 'string' as const }])),
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    console.error(`${command}: ${(e as Error).message}\n${help}`);
    return 2;
  }
  if (values.help) {
    console.log(help);
    return 0;
  }
  try {
    const config = resolveConfig(values as Record<string, string | undefined>, readEnvironment());
    check?.(config);
    return config;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`${command}: ${e.message}`);
    return 2;
  }
}
