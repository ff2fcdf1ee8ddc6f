import { findBlockDirs } from '../../src/conformance/blocktest.js';
import { loadMainnetBlock } from '../../src/conformance/mainnet-block.js';
import type { WireBatch } from '../../src/model/shapes.js';

/** The recorded mainnet blocks (../shared/fixtures/mainnet-blocks), replayed as batches. */
export const MAINNET_BLOCKS_DIR = process.env.EVMGPU_FIXTURES
  ? `${process.env.EVMGPU_FIXTURES}/mainnet-blocks`
  : new URL('../../../shared/fixtures/mainnet-blocks', import.meta.url).pathname;

/** First block of Berlin: blocks from here on carry typed transactions and access lists. */
const BERLIN = 12_244_000n;

export interface MainnetCase {
  block: bigint;
  /** The block's fixture folder, whose block.json holds the recorded signatures. */
  dir: string;
  batch: WireBatch;
}

/**
 * Every recorded block, in block order, or in the quick run the `quick` smallest
 * post-Berlin blocks that still have a few dozen transactions (small enough for a smoke run,
 * recent enough to exercise typed transactions).
 */
export function mainnetCases(options: { dir?: string; quick?: number } = {}): MainnetCase[] {
  const blocks = findBlockDirs([options.dir ?? MAINNET_BLOCKS_DIR]).map((d) => loadMainnetBlock(d));
  let chosen = blocks;
  if (options.quick !== undefined) {
    chosen = blocks
      .filter((b) => b.number >= BERLIN && b.batch.txs.length >= 20)
      .sort((a, b) => a.batch.txs.length - b.batch.txs.length)
      .slice(0, options.quick)
      .sort((a, b) => (a.number < b.number ? -1 : 1));
  }
  return chosen.map((b) => ({ block: b.number, dir: b.dir, batch: b.batch }));
}
