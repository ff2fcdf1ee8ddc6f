import { afterAll, describe, expect, it } from 'vitest';
import type { Hex, WireBatch } from '../../src/model/shapes.js';
import { ALICE, BOB, ONE_ETH, batch, executeAndCompare, hex, newApp, transfer } from './helpers.js';

/**
 * Invalid transactions are rejected with a registered code and change no state, while
 * the request itself succeeds. Each case runs as a legacy and as an EIP-1559
 * transaction, whose error messages from ethereumjs differ.
 */
const FEES = {
  legacy: (cap: number) => ({ gasPrice: hex(cap), maxFeePerGas: undefined, maxPriorityFeePerGas: undefined }),
  eip1559: (cap: number) => ({ maxFeePerGas: hex(cap), maxPriorityFeePerGas: '0x1' as Hex }),
};

const CASES: { code: string; nonce: number; over: (fees: (cap: number) => object) => object }[] = [
  { code: 'TX_NONCE_TOO_LOW', nonce: 4, over: (f) => f(10) },
  { code: 'TX_NONCE_TOO_HIGH', nonce: 6, over: (f) => f(10) },
  { code: 'TX_INSUFFICIENT_FUNDS', nonce: 5, over: (f) => ({ ...f(10), value: hex(2n * ONE_ETH) }) },
  { code: 'TX_INTRINSIC_GAS', nonce: 5, over: (f) => ({ ...f(10), gas: hex(20_000) }) },
  { code: 'TX_FEE_CAP_BELOW_BASE_FEE', nonce: 5, over: (f) => f(6) },
];

const pre: WireBatch['pre'] = { [ALICE]: { balance: hex(ONE_ETH), nonce: '0x5' } };

describe('POST /v1/execute: invalid transactions', () => {
  const app = newApp();
  afterAll(() => app.close());

  for (const [form, fees] of Object.entries(FEES)) {
    for (const c of CASES) {
      it(`${c.code} (${form})`, async () => {
        const tx = JSON.parse(JSON.stringify(transfer(ALICE, c.nonce, c.over(fees))));
        const got = await executeAndCompare(app, batch({ pre, txs: [tx] }));
        expect(got.rejected).toEqual([{ index: 0, code: c.code, error: expect.any(String) }]);
        expect(got.results).toEqual([]);
        // Nothing changed: no fee, no nonce bump, no coinbase reward.
        expect(got.stateDiff).toEqual({ pre: {}, post: {} });
        expect(got.gasUsed).toBe('0x0');
      });
    }
  }

  it('skips rejected transactions: the valid ones around them execute as if they were absent', async () => {
    const txs = [
      transfer(ALICE, 9),
      transfer(ALICE, 5),
      transfer(ALICE, 6, { gas: hex(20_000) }),
      transfer(ALICE, 6, { value: hex(2n * ONE_ETH) }),
      { raw: '0xdeadbeef' as Hex },
      transfer(ALICE, 6),
    ];
    const got = await executeAndCompare(app, batch({ pre, txs }));
    expect(got.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [0, 'TX_NONCE_TOO_HIGH'],
      [2, 'TX_INTRINSIC_GAS'],
      [3, 'TX_INSUFFICIENT_FUNDS'],
      [4, 'TX_DECODE'],
    ]);
    expect(got.results.map((r: { index: number }) => r.index)).toEqual([1, 5]);
    expect(got.results[1].cumulativeGasUsed).toBe(hex(2 * 21000));
    expect(got.stateDiff.post[ALICE]).toEqual({ balance: hex(ONE_ETH - 2n * (21000n * 8n + 1n)), nonce: '0x7' });
    expect(got.stateDiff.post[BOB]).toEqual({ balance: '0x2' });
  });
});
