import { describe, expect, it } from 'vitest';
import { uniswapSwapBatch } from '../../bench/workloads/uniswap.js';
import { normalizeAddress } from '../../src/primitives/hex.js';
import { parseBatch } from '../../src/wire/parse.js';

describe('parseBatch', () => {
  it('gives accounts that hold the same code one array: work keyed by code identity is done once per code', () => {
    const w = uniswapSwapBatch(64);
    const batch = parseBatch(w);
    const arraysByText = new Map<string, Set<Uint8Array>>();
    for (const [addr, a] of Object.entries(w.pre)) {
      if (!a.code || a.code === '0x') continue;
      const set = arraysByText.get(a.code) ?? new Set();
      set.add(batch.pre.get(normalizeAddress(addr))!.code);
      arraysByText.set(a.code, set);
    }
    const shared = [...arraysByText.values()];
    // Eight pairs share the pair's code, the tokens the token's code.
    const holders = [...arraysByText.keys()].map((text) => Object.values(w.pre).filter((a) => a.code === text).length);
    expect(Math.max(...holders)).toBeGreaterThan(1);
    for (const arrays of shared) expect(arrays.size).toBe(1);
  });
});
