import { describe, expect, it } from 'vitest';
import { RERUN_WAVE_MISSES, RERUN_WAVE_MISSES_SHORT, sweepPatience } from '../../src/speculation/rerun-wave.js';

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
