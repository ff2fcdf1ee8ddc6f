import { contentKey } from '../primitives/content-key.js';

/**
 * The blob buffer: every variable-length input of a dispatch (code, JUMPDEST bitmaps,
 * calldata, warm lists, blob hashes) appended word-aligned into one growable u32
 * array. Byte strings the kernel reads by content (code) are stored once per distinct
 * content.
 */
export class BlobBuilder {
  private words: Uint32Array;
  private used = 0;
  private readonly byContent = new Map<string, number>();

  /**
   * `base`: where this builder's first word sits in the dispatch's blob. A dispatch over
   * resident tables starts its own words after the lineage's code prefix, which the
   * executor keeps on the device (resident-tables.ts): offsets are the blob's, the words
   * only this builder's. `capacity`: the words it expects to hold, allocated at once
   * rather than grown by doubling into.
   */
  constructor(readonly base = 0, capacity = 1024) {
    this.words = new Uint32Array(Math.max(1, capacity));
  }

  /** Reserves n words, returning their offset in the blob; the words start zeroed. */
  alloc(n: number): number {
    const at = this.used;
    if (at + n > this.words.length) {
      let size = this.words.length * 2;
      while (size < at + n) size *= 2;
      const bigger = new Uint32Array(size);
      bigger.set(this.words.subarray(0, this.used));
      this.words = bigger;
    }
    this.used += n;
    return this.base + at;
  }

  view(at: number, n: number): Uint32Array {
    return this.words.subarray(at - this.base, at - this.base + n);
  }

  bytes(b: Uint8Array): number {
    const at = this.alloc(Math.ceil(b.length / 4));
    new Uint8Array(this.words.buffer, (at - this.base) * 4, b.length).set(b);
    return at;
  }

  /** Like bytes(), but one copy per distinct content. */
  sharedBytes(b: Uint8Array): number {
    const key = contentKey(b);
    let at = this.byContent.get(key);
    if (at === undefined) {
      at = this.bytes(b);
      this.byContent.set(key, at);
    }
    return at;
  }

  u32s(src: Uint32Array): number {
    const at = this.alloc(src.length);
    this.words.set(src, at - this.base);
    return at;
  }

  /** This builder's words so far, without copying: valid until the next alloc. */
  peek(): Uint32Array {
    return this.words.subarray(0, this.used);
  }

  /**
   * This builder's words, not copied: the builder is done with once it is called. Never
   * empty (a storage binding may not be zero-sized; the words start zeroed).
   */
  finish(): Uint32Array {
    return this.words.subarray(0, Math.max(1, this.used));
  }
}
