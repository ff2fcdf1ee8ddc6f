import type { Setting } from './setting.js';
import { ConfigError, nonEmpty, parseCount, parseSize, positive } from './values.js';

/**
 * The chain of the rollup co-processor mode (src/rollup/, /v1/chain/*): where its store
 * lives (without one the chain routes answer a coded 404), how far it can roll back,
 * and how much of its state stays in memory across blocks.
 */
export interface ChainConfig {
  /** The store's directory; false: no chain. */
  dataDir: string | false;
  /** Blocks whose reverse diffs are kept: the rollback window. */
  rollbackDepth: number;
  /** Bytes of hot state (accounts, slots, code) kept in memory across blocks. */
  stateCache: number;
  /** TCP port of the Engine API (JWT-authenticated JSON-RPC), served when there is a chain. */
  authrpcPort: number;
  /** The Engine API's JWT secret file; undefined: `jwt.hex` in the data directory. */
  authrpcJwtsecret?: string;
}

export const DEFAULT_CHAIN_CONFIG: Readonly<ChainConfig> = Object.freeze({ dataDir: false, rollbackDepth: 128, stateCache: 256 * 1024 * 1024, authrpcPort: 8551 });

export const CHAIN_SETTINGS: { [K in keyof ChainConfig]-?: Setting<NonNullable<ChainConfig[K]>> } = {
  dataDir: { flag: 'data-dir', env: 'EVMGPU_DATA_DIR', defaultText: 'none (`npm start`: `./data`)', doc: 'directory of the chain store: the rollup co-processor mode, /v1/chain/*', parse: nonEmpty },
  rollbackDepth: { flag: 'rollback-depth', env: 'EVMGPU_ROLLBACK_DEPTH', defaultText: '128', doc: 'blocks whose reverse diffs are kept: how far the chain can roll back', parse: (t, what) => positive(parseCount(t, what), what) },
  stateCache: { flag: 'state-cache', env: 'EVMGPU_STATE_CACHE', defaultText: '256 MiB', doc: "the chain's hot state kept in memory across blocks (a size)", parse: parseSize },
  authrpcPort: {
    flag: 'authrpc-port', env: 'EVMGPU_AUTHRPC_PORT', defaultText: '`8551`', doc: 'TCP port of the Engine API (JWT-authenticated JSON-RPC, served with a data directory; 0: any free port)',
    parse: (t, what) => {
      const v = parseCount(t, what);
      if (v > 65535) throw new ConfigError(`${what}: ${v} is not a TCP port (0-65535)`);
      return v;
    },
  },
  authrpcJwtsecret: { flag: 'authrpc-jwtsecret', env: 'EVMGPU_AUTHRPC_JWTSECRET', defaultText: '`<data-dir>/jwt.hex`', doc: "file of the Engine API's JWT secret (64 hex digits); written, mode 0600, when absent", parse: nonEmpty },
};
