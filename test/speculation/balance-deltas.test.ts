import { afterAll, describe, expect, it } from 'vitest';
import { FEES, SENDER_BALANCE, account, quantity, toBatch } from '../../bench/workloads/common.js';
import type { WireBatch } from '../../src/model/shapes.js';
import { testRegistry } from '../support/registry.js';
import { expectEqualToReference, speculation } from './helpers.js';

/**
 * A frame that sends value to an account whose balance it never reads (WETH's deposits,
 * a router's refunds) credits it: the credit is settled on whatever the account holds
 * at commit (src/speculation/settle.ts), so transactions that all pay one account do
 * not conflict on its balance. A frame that reads the balance, or whose new-account gas
 * depended on the account being empty, still holds only while that is as it was.
 */
const registry = testRegistry();
afterAll(() => registry.close());

const ROUTER = account(0x300, 0);
const VAULT = account(0x300, 1);
const EMPTY_PAYEE = account(0x300, 2);
const BALANCE_READER = account(0x300, 3);
const PAYER = account(0x300, 4);

/** CALL(gas, CALLER, calldata word, 0, 0, 0, 0); STOP: pays its caller what it asks (a WETH withdrawal), whether the payment goes through or not. */
const PAY_CALLER = '0x600060006000600060003533 5af15000'.replace(' ', '') as `0x${string}`;

function withdrawals(amounts: bigint[], payerBalance: bigint): WireBatch {
  const pre: WireBatch['pre'] = { [PAYER]: { balance: quantity(payerBalance), nonce: '0x1', code: PAY_CALLER } };
  const txs: WireBatch['txs'] = amounts.map((amount, i) => {
    const sender = account(0x5f, i);
    pre[sender] = { balance: SENDER_BALANCE, nonce: '0x0' };
    return { from: sender, to: PAYER, nonce: '0x0', gas: quantity(100_000n), ...FEES, value: '0x0', data: `0x${amount.toString(16).padStart(64, '0')}` };
  });
  return toBatch({ pre, txs, gasBudget: 100_000n * BigInt(amounts.length) });
}

/** CALL(gas, to, CALLVALUE, 0, 0, 0, 0); STOP: forwards the value it was sent. */
const forwardTo = (to: string) => `0x600060006000600034${'73'}${to.slice(2)}5af15000` as `0x${string}`;

function payments(n: number, router: `0x${string}`, extra: WireBatch['pre'] = {}): WireBatch {
  const pre: WireBatch['pre'] = { [ROUTER]: { balance: '0x0', nonce: '0x1', code: router }, [VAULT]: { balance: '0x5', nonce: '0x1', code: '0x00' }, ...extra };
  const txs: WireBatch['txs'] = [];
  for (let i = 0; i < n; i++) {
    const sender = account(0x5e, i);
    pre[sender] = { balance: SENDER_BALANCE, nonce: '0x0' };
    txs.push({ from: sender, to: ROUTER, nonce: '0x0', gas: quantity(100_000n), ...FEES, value: quantity(BigInt(1000 + i)), data: '0x' });
  }
  return toBatch({ pre, txs, gasBudget: 100_000n * BigInt(n) });
}

describe('credits settled as deltas', () => {
  it.each(['gpu', 'auto'])('%s: payments forwarded to one vault all hold in the first wave', async (engine) => {
    const got = await expectEqualToReference(registry, payments(6, forwardTo(VAULT)), engine);
    const s = speculation(got);
    expect(s.gpuFrames).toBe(6);
    expect(s.gpuReruns).toBe(0);
    expect(s.waves).toBe(1);
    expect(s.fallbacks['stale-or-unplain-frame']).toBeUndefined();
  }, 180_000);

  it('gpu: a payee that was empty is no longer empty after the first payment: the new-account gas changes, and the frames rerun', async () => {
    const got = await expectEqualToReference(registry, payments(4, forwardTo(EMPTY_PAYEE)), 'gpu');
    expect(speculation(got).gpuReruns).toBeGreaterThan(0);
  }, 180_000);

  it('gpu: a vault that reads its own balance (SELFBALANCE) conflicts as before', async () => {
    // SELFBALANCE POP STOP: every payment reads the balance the one before changed.
    const extra: WireBatch['pre'] = { [BALANCE_READER]: { balance: '0x0', nonce: '0x1', code: '0x475000' } };
    const got = await expectEqualToReference(registry, payments(4, forwardTo(BALANCE_READER), extra), 'gpu');
    expect(speculation(got).gpuReruns).toBeGreaterThan(0);
  }, 180_000);
});

/**
 * A value call's balance check that passes only needs the caller to hold at least what
 * it was checked against (kernel: acct_check_balance): what the frame paid out is settled
 * as a delta too, so withdrawals from one account (WETH's) do not conflict while it can
 * pay them all.
 */
describe('debits checked, not read', () => {
  it.each(['gpu', 'auto'])('%s: withdrawals from an account that can pay them all hold in the first wave', async (engine) => {
    const got = await expectEqualToReference(registry, withdrawals([1000n, 2000n, 3000n, 4000n, 5000n, 6000n], 10n ** 18n), engine);
    const s = speculation(got);
    expect(s.gpuReruns).toBe(0);
    expect(s.waves).toBe(1);
  }, 180_000);

  it('gpu: an account that runs dry: the withdrawals it can no longer pay rerun, their payments fail as the reference says', async () => {
    const got = await expectEqualToReference(registry, withdrawals([1000n, 1000n, 1000n, 1000n], 2500n), 'gpu');
    expect(speculation(got).gpuReruns).toBe(2);
  }, 180_000);
});
