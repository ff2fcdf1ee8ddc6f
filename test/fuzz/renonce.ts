import { quantity } from '../../bench/workloads/common.js';
import type { WireBatch } from '../../src/model/shapes.js';

/**
 * Keeping a subset of a batch's transactions without breaking same-sender chains: a
 * hot sender's transaction late in the batch is only valid after all its predecessors,
 * so plain deletion would make every later one "nonce too high" and delta debugging
 * could never drop any of them. Instead the nonces of the kept transactions of a
 * sender move down by the number of that sender's chain transactions removed before
 * them. A chain transaction is one whose nonce continued its sender's sequence from the
 * pre-state nonce; a deliberately wrong nonce keeps its offset. Signed (raw)
 * transactions cannot be renumbered and are kept as they are.
 */
export interface ChainPlan {
  sender: (string | undefined)[];
  chain: boolean[];
}

export function chainPlan(w: WireBatch): ChainPlan {
  const next = new Map<string, bigint>();
  const sender: (string | undefined)[] = [];
  const chain: boolean[] = [];
  for (const tx of w.txs) {
    if (!('from' in tx)) {
      sender.push(undefined);
      chain.push(false);
      continue;
    }
    const s = tx.from.toLowerCase();
    const expected = next.get(s) ?? BigInt(w.pre[s]?.nonce ?? '0x0');
    const isChain = BigInt(tx.nonce) === expected;
    if (isChain) next.set(s, expected + 1n);
    sender.push(s);
    chain.push(isChain);
  }
  return { sender, chain };
}

/** `w` with only the transactions at `keep` (ascending indices), their senders' nonces closed up. */
export function keepTxs(w: WireBatch, plan: ChainPlan, keep: number[]): WireBatch {
  const kept = new Set(keep);
  const removed = new Map<string, bigint>();
  const txs: WireBatch['txs'] = [];
  w.txs.forEach((tx, i) => {
    const s = plan.sender[i];
    if (!kept.has(i)) {
      if (s && plan.chain[i]) removed.set(s, (removed.get(s) ?? 0n) + 1n);
      return;
    }
    const shift = s ? removed.get(s) ?? 0n : 0n;
    if (shift === 0n || !('from' in tx)) txs.push(tx);
    else {
      const n = BigInt(tx.nonce) - shift;
      txs.push({ ...tx, nonce: quantity(n < 0n ? 0n : n) });
    }
  });
  return { ...w, txs };
}
