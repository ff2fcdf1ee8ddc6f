import { parseArgs } from 'node:util';
import { CONFIG_SOURCES, ConfigError, DEFAULT_CONFIG, LOG_LEVELS, resolveConfig, type ServerConfig } from '../../server/config.js';
import { startServer } from '../../server/serve.js';

const HELP = `usage: evmgpu serve [--host <addr>] [--port <n>] [--body-limit <bytes>] [--max-txs <n>]
                    [--max-batch-gas <gas>] [--log-level <level>]

Runs the HTTP service (POST /v1/execute, GET /healthz, /v1/engines, /metrics, /docs)
until SIGINT or SIGTERM, then finishes the requests in flight and exits 0.
Each flag overrides its environment variable, which overrides the default:

${(Object.keys(CONFIG_SOURCES) as (keyof ServerConfig)[])
  .map((k) => `  --${CONFIG_SOURCES[k].flag.padEnd(15)} ${CONFIG_SOURCES[k].env.padEnd(22)} default ${DEFAULT_CONFIG[k]}`)
  .join('\n')}

Sizes take a unit (256MiB, 1GB); log levels: ${LOG_LEVELS.join(', ')}.`;

export async function run(args: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        ...Object.fromEntries(Object.values(CONFIG_SOURCES).map(({ flag }) => [flag, { type: 'string' as const }])),
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    console.error(`serve: ${(e as Error).message}\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let config: ServerConfig;
  try {
    config = resolveConfig(values as Record<string, string | undefined>, process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`serve: ${e.message}`);
    return 2;
  }
  let server;
  try {
    server = await startServer(config);
  } catch (e) {
    // Typically the port is taken or the address is not local.
    console.error(`serve: cannot listen on ${config.host}:${config.port}: ${(e as Error).message}`);
    return 1;
  }
  await server.closed;
  return 0;
}
