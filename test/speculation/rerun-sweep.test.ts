import { describe, expect, it } from 'vitest';
import { RERUN_WAVE_MISSES, RERUN_WAVE_MISSES_SHORT, sweepPatience } from '../../src/speculation/rerun-wave.js';
import { StateKeySet } from '../../src/speculation/state-keys.js';

describe('rerun sweep patience', () => {
  it('is patient at first and after a sweep that took many frames, short after one that took few', () => {
    expect(RERUN_WAVE_MISSES_SHORT).toBeLessThan(RERUN_WAVE_MISSES);
    expect(sweepPatience(undefined)).toBe(RERUN_WAVE_MISSES);
    expect(sweepPatience(1)).toBe(RERUN_WAVE_MISSES_SHORT);
    expect(sweepPatience(4)).toBe(RERUN_WAVE_MISSES_SHORT);
    expect(sweepPatience(5)).toBe(RERUN_WAVE_MISSES);
    expect(sweepPatience(4096)).toBe(RERUN_WAVE_MISSES);
  });
});

describe('StateKeySet', () => {
  it('keys slots by address and value, apart from accounts', () => {
    const k = new StateKeySet();
    const a = `0x${'aa'.repeat(20)}`;
    const b = `0x${'bb'.repeat(20)}`;
    const big = (1n << 255n) + 7n;
    k.addSlot(a, big);
    k.addAccount(b);
    // A bigint made apart from the one added: equal by value.
    expect(k.hasSlot(a, BigInt(`0x8${'0'.repeat(61)}07`))).toBe(true);
    expect(k.hasSlot(a, 7n)).toBe(false);
    expect(k.hasSlot(b, big)).toBe(false);
    expect(k.hasAccount(a)).toBe(false);
    expect(k.hasAccount(b)).toBe(true);
    expect(k.hasSlot(b, 0n)).toBe(false);
  });
});
