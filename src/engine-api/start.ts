import type { FastifyInstance } from 'fastify';
import { ethMethods } from '../rpc/eth.js';
import { VERSION } from '../server/version.js';
import { EngineApi, type EngineChain } from './forkchoice.js';
import { loadOrCreateSecret } from './jwt.js';
import { engineMethods } from './methods.js';
import { buildEngineApp } from './server.js';

/**
 * The Engine API beside the service: its own port, its JWT secret from a file (written,
 * mode 0600, when absent), the chain shared with the service (one chain, one queue), and
 * the eth_* reads of POST /rpc behind the same authentication.
 */
export interface EngineApiConfig {
  host: string;
  port: number;
  jwtSecretFile: string;
  logLevel: string;
  /** The engine blocks run on; default the registry's `auto`. */
  engine?: string;
}

export interface RunningEngineApi {
  api: EngineApi;
  app: FastifyInstance;
  address: string;
  /** The secret file was written by this start. */
  createdSecret: boolean;
}

export function engineApi(chain: EngineChain, secret: Uint8Array, logLevel: string, engine?: string): { api: EngineApi; app: FastifyInstance } {
  const api = new EngineApi(chain, engine);
  // The eth_* reads too, as execution clients serve them on this port: op-node reads the L2 chain through it.
  const methods = { ...ethMethods({ chain, safe: () => api.safe() }), ...engineMethods(api, { code: 'EG', name: 'evmgpu', version: VERSION, commit: '0x00000000' }) };
  const app = buildEngineApp({ secret, logLevel, methods });
  return { api, app };
}

export async function startEngineApi(chain: EngineChain, config: EngineApiConfig): Promise<RunningEngineApi> {
  const { secret, created } = loadOrCreateSecret(config.jwtSecretFile);
  const { api, app } = engineApi(chain, secret, config.logLevel, config.engine);
  const address = await app.listen({ host: config.host, port: config.port, listenTextResolver: (a) => `Engine API listening at ${a}` });
  if (created) app.log.info({ file: config.jwtSecretFile }, 'wrote a new Engine API JWT secret');
  return { api, app, address, createdSecret: created };
}
