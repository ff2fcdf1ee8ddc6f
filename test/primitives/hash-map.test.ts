import { describe, expect, it } from 'vitest';
import { HashMap, hashKey } from '../../src/primitives/hash-map.js';

/** src/primitives/hash-map.ts: keyed by a hash's content, exact when hashes share their first six bytes. */
describe('HashMap', () => {
  const hash = (head: number, tail: number) => {
    const h = new Uint8Array(32).fill(head);
    h[31] = tail;
    return h;
  };

  it('finds entries by content, not by array', () => {
    const m = new HashMap<string>();
    m.set(hash(1, 1), 'a');
    expect(m.get(hash(1, 1))).toBe('a');
    expect(m.has(hash(1, 1))).toBe(true);
    expect(m.get(hash(1, 2))).toBeUndefined();
    m.set(hash(1, 1), 'b');
    expect(m.size).toBe(1);
    expect(m.get(hash(1, 1))).toBe('b');
  });

  it('keeps hashes that share a key apart, through sets and deletes', () => {
    const [a, b, c] = [hash(7, 1), hash(7, 2), hash(7, 3)];
    expect(hashKey(a)).toBe(hashKey(b));
    const m = new HashMap<number>();
    m.set(a, 1);
    m.set(b, 2);
    m.set(c, 3);
    expect([m.get(a), m.get(b), m.get(c), m.size]).toEqual([1, 2, 3, 3]);
    m.delete(b);
    expect([m.get(a), m.has(b), m.get(c), m.size]).toEqual([1, false, 3, 2]);
    m.delete(b);
    expect(m.size).toBe(2);
    m.delete(a);
    m.delete(c);
    expect(m.size).toBe(0);
    expect([...m.entries()]).toEqual([]);
  });

  it('lists every entry once', () => {
    const m = new HashMap<number>();
    for (let i = 0; i < 50; i++) m.set(hash(i % 5, i), i);
    expect([...m.entries()].map(([, v]) => v).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
