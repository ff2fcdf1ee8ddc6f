import type { WireBatch } from '../../src/model/shapes.js';
import { toBatch, type Fragment } from './common.js';
import { computeFragment } from './compute.js';
import { erc20TransferFragment } from './erc20.js';
import { nativeTransferFragment } from './native.js';
import { rng } from './rng.js';
import { uniswapFragment } from './uniswap.js';

/**
 * A blend: a quarter each of native transfers, ERC-20 transfers, Uniswap swap transactions
 * and `compute` calls, interleaved at random. Each stream keeps its own order (a swap's
 * transfer before its swap, a pool's swaps in the order their amounts were computed),
 * so every transaction stays valid; the streams live at disjoint addresses.
 */
export function mixedBatch(txs: number, seed = 1): WireBatch {
  // Swaps take two transactions each, so their share is rounded to an even count.
  const swapTxs = 2 * Math.max(1, Math.floor(txs / 8));
  const erc20 = Math.max(1, Math.floor(txs / 4));
  const compute = Math.max(1, Math.floor(txs / 4));
  const parts: Fragment[] = [
    nativeTransferFragment(Math.max(0, txs - swapTxs - erc20 - compute), seed),
    erc20TransferFragment({ transfers: erc20, seed: seed + 1 }),
    uniswapFragment({ txs: swapTxs, pools: Math.max(1, Math.floor(swapTxs / 8)), seed: seed + 2 }),
    computeFragment(compute, seed + 4),
  ];
  const r = rng(seed + 3);
  const cursors = parts.map(() => 0);
  const out: WireBatch['txs'] = [];
  let left = parts.reduce((n, p) => n + p.txs.length, 0);
  while (left > 0) {
    // Draw a stream in proportion to what it has left, so the blend stays even throughout.
    let pick = r.below(left);
    const k = parts.findIndex((p, i) => (pick -= p.txs.length - cursors[i]) < 0);
    out.push(parts[k].txs[cursors[k]++]);
    left--;
  }
  return toBatch({
    pre: Object.assign({}, ...parts.map((p) => p.pre)) as WireBatch['pre'],
    txs: out,
    gasBudget: parts.reduce((g, p) => g + p.gasBudget, 0n),
  });
}
