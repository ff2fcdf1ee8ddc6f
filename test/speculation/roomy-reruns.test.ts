import { afterAll, describe, expect, it } from 'vitest';
import { FEES, SENDER_BALANCE, account, quantity, toBatch } from '../../bench/workloads/common.js';
import type { WireBatch } from '../../src/model/shapes.js';
import { START_ROOMY_UP_TO_CALLS } from '../../src/gpu/limits.js';
import { testRegistry } from '../support/registry.js';
import { expectEqualToReference, speculation } from './helpers.js';

/**
 * A frame that overflowed its room ran again in the next room (the block room, the roomy
 * executor, then the vast one: src/gpu/limits.ts, MORE_ROOM); when it goes stale and
 * reruns, it starts in the room it needed (src/speculation/wave.ts: runEscalating),
 * instead of failing once more in the rooms before.
 */
const registry = testRegistry();
afterAll(() => registry.close());

const COUNTER = account(0x200, 0);
// slot 0 += 1, then MSTORE at 0x80000: 512 KiB of memory, past the block room's 256 KiB a call.
const ROOMY_CODE = '0x6000546001016000556001620800005200' as const;
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

// 12 LOG0s in a loop: past the default room's 8 logs a call, within the block room's 32.
const LOGS_CODE = '0x600c5b60006000a0600190038060025700' as const;

describe('the room a first wave starts in', () => {
  it('gpu: a small first wave starts in the block room: frames past the defaults run once', async () => {
    const got = await expectEqualToReference(registry, counters(3, LOGS_CODE), 'gpu');
    for (const r of got.results) expect(r.logs).toHaveLength(12);
    const s = speculation(got);
    expect(s.fallbacks['gpu:ScratchExhausted']).toBeUndefined();
    expect(s.perWave[0].submits).toBe(1);
  }, 180_000);

  it('gpu: a first wave of more calls starts in the default room, and its overflowing frames run again in the block room', async () => {
    const got = await expectEqualToReference(registry, counters(START_ROOMY_UP_TO_CALLS + 1, LOGS_CODE), 'gpu');
    const s = speculation(got);
    expect(s.gpuFrames).toBe(START_ROOMY_UP_TO_CALLS + 1);
    expect(s.fallbacks['gpu:ScratchExhausted']).toBeUndefined();
    expect(s.perWave[0].submits).toBe(2);
  }, 180_000);
});

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
