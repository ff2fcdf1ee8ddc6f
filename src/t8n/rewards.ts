import { configError } from './errors.js';
import type { Ommer } from './env.js';
import type { Credit } from './post-alloc.js';

/**
 * Proof-of-work block rewards as geth's t8n applies them (`--state.reward`): the miner
 * gets the reward plus 1/32 of it per ommer, each ommer's miner (8 - delta)/8 of it.
 * A negative reward disables all of it; a zero reward still touches the coinbase,
 * which matters for EIP-161 (an empty coinbase is then removed).
 */
export function blockCredits(coinbase: string, reward: bigint, ommers: Ommer[]): Credit[] {
  if (reward < 0n) return [];
  const credits: Credit[] = [];
  let miner = reward;
  for (const o of ommers) {
    if (o.delta > 8n) throw configError(`ommer ${o.address} at delta ${o.delta} would get a negative reward`);
    miner += reward / 32n;
    credits.push({ address: o.address, amount: ((8n - o.delta) * reward) / 8n });
  }
  credits.push({ address: coinbase, amount: miner });
  return credits;
}
