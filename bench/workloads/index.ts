import type { WireBatch } from '../../src/model/shapes.js';
import { recordedSignedBatch } from '../signing/recorded.js';
import { signedBatch } from '../signing/sign.js';
import { computeBatch } from './compute.js';
import { erc20TransferBatch } from './erc20.js';
import { mainnetCases } from './mainnet.js';
import { mixedBatch } from './mixed.js';
import { nativeTransferBatch } from './native.js';
import { uniswapHotBatch, uniswapSwapBatch } from './uniswap.js';

/** One batch to time: `size` is what the sweep asked for, the batch may round it (two txs per swap). */
export interface WorkloadCase {
  workload: string;
  size: number;
  /** Names the case in reports: the size, or the block number for `mainnet`. */
  label: string;
  /** Unsigned: every transaction gives its `from`. */
  batch: WireBatch;
  /**
   * The same batch with every transaction signed `{raw}`: by the derived sender keys for the
   * generated workloads, with the recorded signatures for mainnet blocks. Made on demand
   * (signing is slow, and setup).
   */
  signed(): WireBatch;
}

type Make = (txs: number, seed: number) => WireBatch;

const SIZED: Record<string, Make> = {
  'native-transfer': nativeTransferBatch,
  'erc20-transfer': (txs, seed) => erc20TransferBatch({ transfers: txs, seed }),
  'erc20-hot': (txs, seed) => erc20TransferBatch({ transfers: txs, recipients: 'hot', seed }),
  'uniswap-swap': uniswapSwapBatch,
  'uniswap-hot': uniswapHotBatch,
  compute: computeBatch,
  mixed: mixedBatch,
};

export const WORKLOADS = [...Object.keys(SIZED), 'mainnet'] as const;

export interface CaseOptions {
  sizes: number[];
  seed: number;
  /** For `mainnet`: that many small post-Berlin blocks instead of all of them. */
  quickBlocks?: number;
  mainnetDir?: string;
}

/** The batches of one workload, lazily: a 100k-transaction batch is built only when its turn comes. */
export function* workloadCases(workload: string, o: CaseOptions): Generator<WorkloadCase> {
  if (workload === 'mainnet') {
    for (const c of mainnetCases({ dir: o.mainnetDir, quick: o.quickBlocks })) {
      yield { workload, size: c.batch.txs.length, label: `block ${c.block}`, batch: c.batch, signed: () => recordedSignedBatch(c.dir, c.batch) };
    }
    return;
  }
  const gen = SIZED[workload];
  if (!gen) throw new Error(`unknown workload ${workload}: known are ${WORKLOADS.join(', ')}`);
  for (const size of o.sizes) {
    const batch = gen(size, o.seed);
    yield { workload, size, label: String(size), batch, signed: () => signedBatch(batch) };
  }
}
