import { describe, expect, it } from 'vitest';
import type { Hex, WireBatch } from '../../src/model/shapes.js';
import { chainPlan, keepTxs } from './renonce.js';
import { ddmin } from './shrink.js';

/** The shrinking pieces on their own: ddmin finds a minimal failing subset; dropping transactions keeps nonce chains valid. */
const A: Hex = '0x00000000000000000000000000000000000000a1';
const B: Hex = '0x00000000000000000000000000000000000000b2';
const tx = (from: Hex, nonce: number) => ({ from, to: B, nonce: `0x${nonce.toString(16)}` as Hex, gas: '0x5208' as Hex, gasPrice: '0xa' as Hex });

describe('shrinking', () => {
  it('ddmin keeps exactly the items the failure needs', async () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const needs = [17, 62, 63];
    const out = await ddmin(items, async (s) => needs.every((n) => s.includes(n)), { runs: 10_000, deadline: Date.now() + 60_000 });
    expect(out).toEqual(needs);
  });

  it('ddmin stops when its budget is spent, returning what it has', async () => {
    const items = Array.from({ length: 64 }, (_, i) => i);
    const out = await ddmin(items, async (s) => s.includes(5), { runs: 3, deadline: Date.now() + 60_000 });
    expect(out.length).toBeGreaterThan(1);
    expect(out).toContain(5);
  });

  it('closes up a sender\'s nonce chain around dropped transactions, keeping deliberate offsets', () => {
    const w: WireBatch = {
      fork: 'Prague', env: { number: '0x1', timestamp: '0x1', coinbase: B, gasLimit: '0x1000000', chainId: '0x1', baseFee: '0x1' },
      pre: { [A]: { balance: '0x1', nonce: '0x3' } },
      txs: [tx(A, 3), tx(B, 0), tx(A, 4), tx(A, 9), tx(A, 5), { raw: '0x01' }],
    };
    const plan = chainPlan(w);
    expect(plan.chain).toEqual([true, true, true, false, true, false]);
    const kept = keepTxs(w, plan, [1, 3, 4, 5]);
    // A's chain transactions at nonces 3 and 4 are gone: the one at 5 becomes 3, the stray 9 becomes 7.
    expect(kept.txs.map((t) => ('from' in t ? `${t.from === A ? 'A' : 'B'}${BigInt(t.nonce)}` : 'raw'))).toEqual(['B0', 'A7', 'A3', 'raw']);
    expect(keepTxs(w, plan, [0, 1, 2, 3, 4, 5]).txs).toEqual(w.txs);
  });
});
