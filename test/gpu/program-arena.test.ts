import { describe, expect, it } from 'vitest';
import { ProgramArena } from '../../src/gpu/program-arena.js';

const program = (words: number, fill: number) => new Uint32Array(words).fill(fill);
/** Replays the arena's uploads into a plain array standing for the blob buffer. */
const write = (buffer: Uint32Array, uploads: [Uint32Array, number][]) => uploads.forEach(([p, at]) => buffer.set(p, at));
const holds = (buffer: Uint32Array, p: Uint32Array, at: number) => buffer.subarray(at, at + p.length).every((w, i) => w === p[i]);

describe('ProgramArena', () => {
  it('writes a program once while the buffer holds it, past the dispatch words with room', () => {
    const arena = new ProgramArena(1 << 20);
    const buf = new Uint32Array(1 << 20);
    const [a, b] = [program(100, 1), program(50, 2)];
    const at1 = new Map(arena.place(1000, [a, b, a]));
    expect(at1.get(a)).toBeGreaterThanOrEqual(1500);
    expect(at1.get(b)).toBe(at1.get(a)! + 100);
    write(buf, arena.uploads(buf, [a, b, a]));
    expect(holds(buf, a, at1.get(a)!) && holds(buf, b, at1.get(b)!)).toBe(true);
    // Later dispatches with smaller words: same places, nothing written again but a new program.
    const c = program(10, 3);
    const at2 = arena.place(1200, [b, c]);
    expect(at2.get(b)).toBe(at1.get(b));
    const up = arena.uploads(buf, [b, c]);
    expect(up.map(([p]) => p)).toEqual([c]);
    write(buf, up);
    expect(holds(buf, c, at2.get(c)!)).toBe(true);
    expect(arena.uploads(buf, [a])).toEqual([]);
    expect(arena.counts.resets).toBe(1);
  });

  it('moves up when a dispatch reaches it, and writes its programs again', () => {
    const arena = new ProgramArena(1 << 20);
    const buf = {};
    const a = program(100, 1);
    const first = arena.place(1000, [a]).get(a)!;
    arena.uploads(buf, [a]);
    const moved = arena.place(first + 10, [a]).get(a)!;
    expect(moved).toBeGreaterThanOrEqual(first + 10);
    expect(arena.uploads(buf, [a])).toEqual([[a, moved]]);
    expect(arena.words).toBe(moved + 100);
  });

  it('writes every program a dispatch uses into a new buffer, and forgets the rest', () => {
    const arena = new ProgramArena(1 << 20);
    const [a, b] = [program(100, 1), program(50, 2)];
    arena.place(10, [a, b]);
    arena.uploads({}, [a, b]);
    const at = arena.place(10, [b]).get(b)!;
    expect(arena.uploads({}, [b])).toEqual([[b, at]]);
    // `a` was not in the new buffer: it is placed (and written) again.
    arena.place(10, [a]);
    expect(arena.uploads({}, [a]).map(([p]) => p)).toEqual([a]);
  });

  it('empties itself past its size, and never places a program over the dispatch words', () => {
    const arena = new ProgramArena(10_000, 300);
    const buf = {};
    const ps = [program(120, 1), program(120, 2), program(120, 3)];
    arena.place(100, ps.slice(0, 2));
    arena.uploads(buf, ps.slice(0, 2));
    const at = arena.place(100, [ps[2]]);
    expect(arena.counts.resets).toBe(2);
    expect(at.get(ps[2])).toBeGreaterThanOrEqual(100);
    expect(at.has(ps[0])).toBe(false);
    expect(arena.uploads(buf, [ps[2]]).map(([p]) => p)).toEqual([ps[2]]);
    // Without room for half as much again, the arena starts right after the dispatch words.
    const tight = new ProgramArena(1_000);
    expect(tight.place(700, [program(250, 4)]).values().next().value).toBe(700);
  });

  it('a dispatch without programs that reaches the arena moves it', () => {
    const arena = new ProgramArena(1 << 20);
    const a = program(100, 1);
    const before = arena.place(10, [a]).get(a)!;
    arena.uploads({}, [a]);
    arena.place(before + 50, []);
    expect(arena.place(before + 50, [a]).get(a)).toBeGreaterThanOrEqual(before + 50);
  });
});
