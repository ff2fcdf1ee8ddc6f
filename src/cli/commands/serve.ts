import { mkdirSync } from 'node:fs';
import { SERVE_SETTINGS, settingsHelp } from '../../config/resolve.js';
import { readSettings } from '../settings-args.js';
import { EngineRegistry } from '../../registry/registry.js';
import { Chain } from '../../rollup/chain.js';
import { join } from 'node:path';
import { startEngineApi, type RunningEngineApi } from '../../engine-api/start.js';
import { startServer } from '../../server/serve.js';
import { openQueue } from './queue-open.js';
import type { BatchQueue } from '../../queue/connection.js';

const HELP = `usage: evmgpu serve [--host <addr>] [--port <n>] [--body-limit <bytes>] [--max-txs <n>]
                    [--max-batch-gas <gas>] [--max-batch-ms <ms>] [--max-concurrent-batches <n>]
                    [--max-queued-batches <n>] [--max-queued-gas <gas>] [--max-pending-bytes <bytes>]
                    [--max-event-loop-delay <ms>] [--max-heap-used <bytes>] [--auth-token-file <file>] [--log-level <level>]
                    [--data-dir <dir>] [--rollback-depth <n>] [--state-cache <bytes>] [--authrpc-port <n>] [--authrpc-jwtsecret <file>]
                    [--nats <urls>] [--nats-prefix <name>] [--queue-max-batches <n>] [--queue-max-bytes <bytes>]
                    [--queue-ack-wait <ms>] [--result-ttl <s>]
                    [--cpu-workers <n>] [--cache-dir <dir>] [--contract-kernels <mode>] [--contract-fragments <which>]

Runs the HTTP service (POST /v1/execute, GET /healthz, /v1/engines, /metrics, /docs)
until SIGINT or SIGTERM, then finishes the requests in flight and exits 0. With a data
directory it also keeps a chain there (rollup co-processor mode, /v1/chain/*, the
JSON-RPC reads at POST /rpc) and serves the Engine API on --authrpc-port (JWT).
With --nats it is the front of a distributed deployment: /v1/execute queues each batch
in NATS JetStream for \`evmgpu worker\` processes and answers with the result one of
them stored (GET /v1/results/{batchHash} finds it again).
Each flag overrides its environment variable, which overrides the default:

${settingsHelp(SERVE_SETTINGS)}

Sizes take a unit (256MiB, 1GB). Every value is checked before the service starts.`;

export async function run(args: string[]): Promise<number> {
  const config = readSettings('serve', args, SERVE_SETTINGS, HELP);
  if (typeof config === 'number') return config;
  const registry = new EngineRegistry(config.runtime);
  let chain: Chain | undefined;
  if (config.chain.dataDir !== false) {
    try {
      mkdirSync(config.chain.dataDir, { recursive: true });
      chain = new Chain({ dir: config.chain.dataDir, rollbackDepth: config.chain.rollbackDepth, stateCacheBytes: config.chain.stateCache }, registry);
      const { restoredNodes } = await chain.ready;
      if (restoredNodes > 0) console.error(`serve: rebuilt ${restoredNodes} trie nodes of the head block, which a stop had left unwritten`);
    } catch (e) {
      console.error(`serve: cannot open the chain store in ${config.chain.dataDir}: ${(e as Error).message}`);
      await registry.close();
      return 1;
    }
  }
  let queue: BatchQueue | undefined;
  if (config.queue.nats !== false) {
    const opened = await openQueue('serve', config.queue, 'front');
    if (!opened) {
      await chain?.close();
      await registry.close();
      return 1;
    }
    queue = opened;
  }
  let engine: RunningEngineApi | undefined;
  let server;
  try {
    server = await startServer(config.service, { registry, chain, queue, safe: () => engine?.api.safe(), beforeClose: async () => void (await engine?.app.close()) });
  } catch (e) {
    // Typically the port is taken or the address is not local.
    console.error(`serve: cannot listen on ${config.service.host}:${config.service.port}: ${(e as Error).message}`);
    await queue?.close();
    return 1;
  }
  if (chain && config.chain.dataDir !== false) {
    // After the service, so that its "Server listening" line comes first. Without the
    // Engine API (its port taken, its secret file unreadable) the service goes on, as
    // the spec allows: the error says why.
    const jwtSecretFile = config.chain.authrpcJwtsecret ?? join(config.chain.dataDir, 'jwt.hex');
    try {
      engine = await startEngineApi(chain, { host: config.service.host, port: config.chain.authrpcPort, jwtSecretFile, logLevel: config.service.logLevel });
    } catch (e) {
      console.error(`serve: the Engine API is not served: cannot start it on ${config.service.host}:${config.chain.authrpcPort} with the secret in ${jwtSecretFile}: ${(e as Error).message}`);
    }
  }
  // A front hands its batches to workers: its own GPU stays closed.
  if (config.service.gpuWarmUp === 'on' && !queue) {
    // In the background: the service answers meanwhile, and a batch that comes first
    // waits for the same kernels rather than creating them twice (the runtime shares them).
    const { app } = server;
    void registry.warmUp().then(({ opened, ms }) =>
      app.log.info({ engine: 'auto', ms }, opened ? 'GPU warmed up: device open, kernels created, buffers sized' : 'GPU warm-up: no device, batches take the CPU routes'),
    );
  }
  await server.closed;
  return 0;
}
