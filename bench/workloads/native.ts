import type { WireBatch } from '../../src/model/shapes.js';
import { sender } from '../signing/keys.js';
import { account, FEES, quantity, SENDER_BALANCE, toBatch, type Fragment } from './common.js';
import { rng } from './rng.js';

/** Plain ether transfers, each from its own sender to its own recipient: no conflicts at all. */
export function nativeTransferFragment(txs: number, seed: number): Fragment {
  const r = rng(seed);
  const pre: WireBatch['pre'] = {};
  const out: WireBatch['txs'] = [];
  for (let i = 0; i < txs; i++) {
    const from = sender(0x6e, i);
    pre[from] = { balance: SENDER_BALANCE, nonce: '0x0' };
    out.push({
      from, to: account(0x7e, i), nonce: '0x0', gas: quantity(21_000), ...FEES,
      value: quantity(r.between(1n, 10n ** 15n)), data: '0x',
    });
  }
  return { pre, txs: out, gasBudget: BigInt(txs) * 21_000n };
}

export function nativeTransferBatch(txs: number, seed = 1): WireBatch {
  return toBatch(nativeTransferFragment(txs, seed));
}
