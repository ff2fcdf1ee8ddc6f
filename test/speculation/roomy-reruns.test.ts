import { afterAll, describe, expect, it } from 'vitest';
import { FEES, SENDER_BALANCE, account, quantity, toBatch } from '../../bench/workloads/common.js';
import type { WireBatch } from '../../src/model/shapes.js';
import { testRegistry } from '../support/registry.js';
import { expectEqualToReference, speculation } from './helpers.js';

/**
 * A frame that overflowed the default room ran again on the roomy executor; when it
 * goes stale and reruns, it starts there (src/speculation/wave.ts: runEscalating),
 * instead of failing once more on the default room first.
 */
const registry = testRegistry();
afterAll(() => registry.close());

// slot 0 += 1, then MSTORE at 0x20000: 128 KiB of memory, past the default 64 KiB a call.
const COUNTER = account(0x200, 0);
const CODE = '0x6000546001016000556001620200005200';

function counters(n: number): WireBatch {
  const pre: WireBatch['pre'] = { [COUNTER]: { balance: '0x0', nonce: '0x1', code: CODE } };
  const txs: WireBatch['txs'] = [];
  for (let i = 0; i < n; i++) {
    const sender = account(0x5f, i);
    pre[sender] = { balance: SENDER_BALANCE, nonce: '0x0' };
    txs.push({ from: sender, to: COUNTER, nonce: '0x0', gas: quantity(300_000n), ...FEES, value: '0x0', data: '0x' });
  }
  return toBatch({ pre, txs, gasBudget: 300_000n * BigInt(n) });
}

describe('reruns of frames that needed more room', () => {
  it('gpu: the first wave escalates once; each rerun wave runs its stale frame on the roomy executor in one dispatch', async () => {
    const got = await expectEqualToReference(registry, counters(3), 'gpu');
    expect(got.stats.engines).toEqual({ gpu: 3 });
    const s = speculation(got);
    expect(s.fallbacks['gpu:ScratchExhausted']).toBeUndefined();
    // Every frame but the first read the counter before its predecessor wrote it.
    expect(s.gpuReruns).toBeGreaterThanOrEqual(2);
    const [first, ...reruns] = s.perWave;
    expect(first.submits).toBe(2);
    expect(reruns.length).toBeGreaterThan(0);
    for (const w of reruns) expect(w.submits).toBe(1);
  }, 180_000);
});
