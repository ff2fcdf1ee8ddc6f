import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from './app.js';
import type { ServerConfig } from '../config/service.js';

export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface RunningServer {
  app: FastifyInstance;
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  address: string;
  /** Settles once the server has shut down, after a signal or a direct app.close(). */
  closed: Promise<void>;
}

/**
 * Listens, and on the first SIGINT or SIGTERM stops taking requests, lets those in
 * flight finish, and closes the app (and with it the engines). The handlers are then
 * removed, so a second signal ends the process at once if shutdown hangs.
 */
export async function startServer(config: ServerConfig, deps: AppDeps = {}): Promise<RunningServer> {
  const app = buildApp(config, deps);
  let resolveClosed!: () => void;
  let rejectClosed!: (e: unknown) => void;
  const closed = new Promise<void>((resolve, reject) => {
    resolveClosed = resolve;
    rejectClosed = reject;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    detach();
    app.log.info({ signal }, 'shutting down');
    app.close().then(resolveClosed, rejectClosed);
  };
  const detach = () => {
    for (const s of SHUTDOWN_SIGNALS) process.off(s, onSignal);
  };
  app.addHook('onClose', async () => {
    detach();
    resolveClosed();
  });

  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await app.close();
    throw e;
  }
  for (const s of SHUTDOWN_SIGNALS) process.on(s, onSignal);
  return { app, address, closed };
}
