import type { Setting } from './setting.js';
import { nonEmpty, parseCount, parseSize, positive } from './values.js';

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
}

export const DEFAULT_CHAIN_CONFIG: Readonly<ChainConfig> = Object.freeze({ dataDir: false, rollbackDepth: 128, stateCache: 256 * 1024 * 1024 });

export const CHAIN_SETTINGS: { [K in keyof ChainConfig]-?: Setting<NonNullable<ChainConfig[K]>> } = {
  dataDir: { flag: 'data-dir', env: 'EVMGPU_DATA_DIR', defaultText: 'none (`npm start`: `./data`)', doc: 'directory of the chain store: the rollup co-processor mode, /v1/chain/*', parse: nonEmpty },
  rollbackDepth: { flag: 'rollback-depth', env: 'EVMGPU_ROLLBACK_DEPTH', defaultText: '128', doc: 'blocks whose reverse diffs are kept: how far the chain can roll back', parse: (t, what) => positive(parseCount(t, what), what) },
  stateCache: { flag: 'state-cache', env: 'EVMGPU_STATE_CACHE', defaultText: '256 MiB', doc: "the chain's hot state kept in memory across blocks (a size)", parse: parseSize },
};
