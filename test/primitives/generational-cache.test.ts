import { describe, expect, it } from 'vitest';
import { GenerationalCache } from '../../src/primitives/generational-cache.js';

describe('GenerationalCache', () => {
  it('holds at most its budget, keeps what is used, and drops the rest a generation at a time', () => {
    const c = new GenerationalCache<number, string>(1000);
    c.set(7, 'v7');
    for (let i = 8; i < 100_000; i++) {
      c.set(i, `v${i}`);
      // Key 7 is read all along: it never falls out.
      expect(c.get(7)).toBe('v7');
      expect(c.units).toBeLessThanOrEqual(1000);
    }
    expect(c.get(99_999)).toBe('v99999');
    expect(c.get(8)).toBeUndefined();
    expect(c.get(99_000 - 1000)).toBeUndefined();
    expect(c.size).toBe(c.units);
    expect(c.size).toBeGreaterThanOrEqual(500);
  });

  it('counts units as given, replaces a held value, and holds nothing larger than half the budget', () => {
    const c = new GenerationalCache<string, bigint | null>(100);
    c.set('a', null, 10);
    expect(c.find('a')).toEqual({ value: null, units: 10 });
    expect(c.find('b')).toBeUndefined();
    c.set('a', 5n, 20);
    expect(c.get('a')).toBe(5n);
    expect(c.units).toBe(20);
    c.set('big', 1n, 51);
    expect(c.find('big')).toBeUndefined();
    expect(c.units).toBe(20);
    c.delete('a');
    expect(c.units).toBe(0);
    c.set('x', 1n, 30);
    c.set('y', 2n, 30);
    // The young generation passed half the budget: x and y are now old; a hit moves x back.
    expect(c.get('x')).toBe(1n);
    c.set('z', 3n, 30);
    c.set('w', 4n, 30);
    expect(c.get('y')).toBeUndefined();
    expect(c.get('x')).toBe(1n);
    c.clear();
    expect([c.size, c.units]).toEqual([0, 0]);
  });

  it('with a budget of 0 holds nothing', () => {
    const c = new GenerationalCache<string, number>(0);
    c.set('a', 1);
    expect(c.get('a')).toBeUndefined();
  });
});
