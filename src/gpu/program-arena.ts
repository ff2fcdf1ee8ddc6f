/**
 * Where compiled programs sit in an executor's blob buffer, kept there across
 * dispatches and batches. A program is the same array for as long as its code is
 * cached (compiler/cache.ts), so one already in the buffer is not written again. The
 * nine EDR mainnet blocks, run twice, wrote 928 MB of programs when every dispatch wrote
 * its programs after its own words, most of it for rerun waves of one or two frames
 * that run the same contracts again; with the arena, 200 MB (2026-12-07, lavapipe,
 * whose 128 MiB binding holds only part of those blocks' programs: the arena was
 * emptied five times a pass). On lavapipe an upload is a copy in host memory and the
 * wall time did not measurably change; on a discrete GPU it crosses the bus.
 *
 * The arena lies past every dispatch's own words (the lineage's code prefix and the
 * dispatch's blob), with half as much again of room, so that those may grow without
 * reaching it; a dispatch whose words reach it moves it up, and its programs are
 * written again. It is emptied when it would outgrow the binding or 256 MiB, and
 * forgets what a new buffer does not hold.
 */
const ARENA_WORDS = (256 << 20) / 4;

export class ProgramArena {
  /** First word of the arena. */
  private base = 0;
  /** First word past the last program placed. */
  private end = 0;
  private readonly at = new Map<Uint32Array, number>();
  /** Placed but not written to the buffer yet. */
  private readonly pending = new Set<Uint32Array>();
  /** The buffer whose arena holds the placed programs, but those pending. */
  private held?: object;

  /** Times the arena was emptied or moved: for tests. */
  readonly counts = { resets: 0 };

  /**
   * `maxWords`: the most the blob buffer may hold (the binding). `arenaWords`: the most
   * the arena holds before it is emptied; a mainnet block's first wave runs about 12 MB
   * of programs.
   */
  constructor(
    private readonly maxWords: number,
    private readonly arenaWords = ARENA_WORDS,
  ) {}

  /**
   * Each program's first word in the blob buffer for a dispatch whose own words end at
   * `dispatchEnd`; programs not in the arena yet are placed at its end.
   */
  place(dispatchEnd: number, programs: readonly (Uint32Array | undefined)[]): ReadonlyMap<Uint32Array, number> {
    const distinct = new Set<Uint32Array>();
    for (const p of programs) if (p) distinct.add(p);
    let fresh = 0;
    for (const p of distinct) if (!this.at.has(p)) fresh += p.length;
    if (dispatchEnd > this.base || this.end - this.base + fresh > this.arenaWords || this.end + fresh > this.maxWords) {
      let all = 0;
      for (const p of distinct) all += p.length;
      const roomy = dispatchEnd + Math.ceil(dispatchEnd / 2);
      this.reset(roomy + all <= this.maxWords ? roomy : dispatchEnd);
      this.counts.resets++;
    }
    for (const p of distinct) {
      if (this.at.has(p)) continue;
      this.at.set(p, this.end);
      this.pending.add(p);
      this.end += p.length;
    }
    return this.at;
  }

  /** Words the blob buffer needs for the arena as placed. */
  get words(): number {
    return this.end;
  }

  /**
   * The programs to write into `buffer` before the dispatch that uses `used`, with
   * their first words: those placed since the last dispatch, or, in a buffer other than
   * the one the arena was written to, every program the dispatch uses (the others are
   * forgotten, and placed again when next used).
   */
  uploads(buffer: object, used: Iterable<Uint32Array | undefined>): [Uint32Array, number][] {
    if (buffer !== this.held) {
      const keep = new Set<Uint32Array>();
      for (const p of used) if (p) keep.add(p);
      for (const p of [...this.at.keys()]) if (!keep.has(p)) this.at.delete(p);
      this.pending.clear();
      for (const p of keep) this.pending.add(p);
      this.held = buffer;
    }
    const out: [Uint32Array, number][] = [];
    for (const p of this.pending) out.push([p, this.at.get(p)!]);
    this.pending.clear();
    return out;
  }

  /** Forgets every program (the buffers were freed). */
  clear(): void {
    this.reset(0);
    this.held = undefined;
  }

  private reset(base: number): void {
    this.base = base;
    this.end = base;
    this.at.clear();
    this.pending.clear();
  }
}
