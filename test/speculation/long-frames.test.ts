import { afterAll, describe, expect, it } from 'vitest';
import { FEES, SENDER_BALANCE, account, quantity, toBatch } from '../../bench/workloads/common.js';
import type { WireBatch } from '../../src/model/shapes.js';
import { testRegistry } from '../support/registry.js';
import { expectEqualToReference, speculation } from './helpers.js';

/**
 * A frame past the default step budget (1,000,000 opcodes a dispatch) runs again on the
 * GPU with larger budgets, the last bounded only by its gas (src/speculation/wave.ts:
 * runEscalating), instead of going to the CPU.
 */
const registry = testRegistry();
afterAll(() => registry.close());

// JUMPDEST PUSH0 JUMP: 11 gas every 3 opcodes; a loop that never ends, so its transaction runs out of gas.
const LOOP = account(0x100, 0);

function loops(gas: bigint, n: number): WireBatch {
  const pre: WireBatch['pre'] = { [LOOP]: { balance: '0x0', nonce: '0x1', code: '0x5b5f56' } };
  const txs: WireBatch['txs'] = [];
  for (let i = 0; i < n; i++) {
    const sender = account(0x5e, i);
    pre[sender] = { balance: SENDER_BALANCE, nonce: '0x0' };
    txs.push({ from: sender, to: LOOP, nonce: '0x0', gas: quantity(gas), ...FEES, value: '0x0', data: '0x' });
  }
  return toBatch({ pre, txs, gasBudget: gas * BigInt(n) });
}

describe('frames past the step budget', () => {
  for (const engine of ['auto', 'gpu']) {
    it(`${engine}: loops of 5,000,000 gas (1.4 million opcodes each) run on the GPU to their end`, async () => {
      const got = await expectEqualToReference(registry, loops(5_000_000n, 3), engine);
      expect(got.stats.engines).toEqual({ gpu: 3 });
      expect(speculation(got).fallbacks['gpu:BudgetExhausted']).toBeUndefined();
      expect(got.results.map((r) => r.gasUsed)).toEqual([5_000_000n, 5_000_000n, 5_000_000n]);
    }, 180_000);
  }
});
