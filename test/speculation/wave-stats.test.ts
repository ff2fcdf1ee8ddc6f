import { describe, expect, it } from 'vitest';
import { newDispatchTally } from '../../src/gpu/executor.js';
import { newSpeculationStats, PER_WAVE_MAX, recordWave } from '../../src/speculation/stats.js';
import type { Wave } from '../../src/speculation/wave.js';

describe('stats.speculation.perWave', () => {
  it('counts every wave and reports the first PER_WAVE_MAX, rounded to 0.1 ms', () => {
    const s = newSpeculationStats();
    for (let k = 0; k < PER_WAVE_MAX + 6; k++) {
      const wave: Wave = { frames: new Map(Array.from({ length: k + 1 }, (_, i) => [i, undefined as never])), tally: { ...newDispatchTally(), submits: 1, deviceMs: 1.04 }, hostRounds: 0 };
      recordWave(s, wave, 2.26);
    }
    expect(s.waves).toBe(PER_WAVE_MAX + 6);
    expect(s.perWave.length).toBe(PER_WAVE_MAX);
    expect(s.perWave[0]).toEqual({ frames: 1, submits: 1, hostRounds: 0, ms: 2.3, prepareMs: 0, deviceMs: 1, unpackMs: 0 });
    expect(s.perWave.at(-1)!.frames).toBe(PER_WAVE_MAX);
  });
});
