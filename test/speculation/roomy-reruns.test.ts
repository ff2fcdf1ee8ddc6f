import { afterAll, describe, expect, it } from 'vitest';
import { FEES, SENDER_BALANCE, account, quantity, toBatch } from '../../bench/workloads/common.js';
import type { WireBatch } from '../../src/model/shapes.js';
import { testRegistry } from '../support/registry.js';
import { expectEqualToReference, speculation } from './helpers.js';

/**
 * A frame that overflowed the default room ran again in the next room (the roomy
 * executor, then the vast one: src/gpu/limits.ts, MORE_ROOM); when it goes stale and
 * reruns, it starts in the room it needed (src/speculation/wave.ts: runEscalating),
 * instead of failing once more in the rooms before.
 */
const registry = testRegistry();
afterAll(() => registry.close());

const COUNTER = account(0x200, 0);
// slot 0 += 1, then MSTORE at 0x20000: 128 KiB of memory, past the default 64 KiB a call.
const ROOMY_CODE = '0x6000546001016000556001620200005200' as const;
// slot 0 += 1, then 1,100 LOG0s in a loop: past the roomy executor's 1,024 logs a call.
const VAST_CODE = '0x60005460010160005561044c5b60006000a06001900380600c5700' as const;

function counters(n: number, code: `0x${string}`, gas = 1_000_000n): WireBatch {
  const pre: WireBatch['pre'] = { [COUNTER]: { balance: '0x0', nonce: '0x1', code } };
  const txs: WireBatch['txs'] = [];
  for (let i = 0; i < n; i++) {
    const sender = account(0x5f, i);
    pre[sender] = { balance: SENDER_BALANCE, nonce: '0x0' };
    txs.push({ from: sender, to: COUNTER, nonce: '0x0', gas: quantity(gas), ...FEES, value: '0x0', data: '0x' });
  }
  return toBatch({ pre, txs, gasBudget: gas * BigInt(n) });
}

describe('reruns of frames that needed more room', () => {
  it.each([
    ['roomy', ROOMY_CODE, 2],
    ['vast', VAST_CODE, 3],
  ])('gpu: the first wave escalates to the %s executor; each rerun wave runs its stale frame there in one dispatch', async (_room, code, firstSubmits) => {
    const got = await expectEqualToReference(registry, counters(3, code), 'gpu');
    expect(got.stats.engines).toEqual({ gpu: 3 });
    const s = speculation(got);
    expect(s.fallbacks['gpu:ScratchExhausted']).toBeUndefined();
    // Every frame but the first read the counter before its predecessor wrote it.
    expect(s.gpuReruns).toBeGreaterThanOrEqual(2);
    const [first, ...reruns] = s.perWave;
    expect(first.submits).toBe(firstSubmits);
    expect(reruns.length).toBeGreaterThan(0);
    for (const w of reruns) expect(w.submits).toBe(1);
  }, 180_000);

  it('gpu: a frame past the last room goes to the CPU, with the same result', async () => {
    // slot 0 += 1, then 65,537 LOG0s: one past the vast room's logs.
    const got = await expectEqualToReference(registry, counters(1, '0x600054600101600055620100015b60006000a06001900380600d5700', 29_000_000n), 'gpu');
    expect(got.results[0].logs).toHaveLength(65_537);
    const s = speculation(got);
    expect(s.fallbacks['gpu:ScratchExhausted']).toBe(1);
    expect(s.perWave[0].submits).toBe(3);
  }, 180_000);
});
