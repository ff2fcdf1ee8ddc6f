import { align4, hashSpans, type BatchHasher } from './hasher.js';

/** What a run needs of its trie (ordered-trie.ts): the next digest's index, the digests, and its two run buffers. */
export interface RunOwner {
  readonly hashed: number;
  readonly digests: Uint8Array;
  buffer(k: number, size: number): Uint8Array;
}

/** The most bytes of encodings hashed at once: a height of a 100k-receipt trie is about 45 MB. */
export const RUN_BYTES = 4 << 20;

/**
 * A height's hashed nodes, written run after run: the run being written, and the
 * hashing of the run before it, each in a buffer of its own.
 */
export class LevelRun {
  /** The run being written, and how many of its bytes are. */
  out: Uint8Array = new Uint8Array(0);
  used = 0;
  private limit = 0;
  private k = 0;
  private spans: number[] = [];
  private first: number;
  private readonly hashing: (Promise<unknown> | undefined)[] = [undefined, undefined];

  constructor(
    private readonly trie: RunOwner,
    private readonly hash: BatchHasher,
    private readonly runBytes: number,
  ) {
    this.first = trie.hashed;
  }

  /** Whether the next node's `size` bytes go into the run being written. */
  fits(size: number): boolean {
    return this.used > 0 && this.used + size <= this.limit;
  }

  /** Ends the run being written, if any, and starts one in the other buffer once that buffer's hashing is done; a node larger than a run is a run of its own. */
  async next(size: number): Promise<void> {
    if (this.used > 0) this.flush();
    await this.hashing[this.k];
    this.limit = Math.max(size, this.runBytes);
    this.out = this.trie.buffer(this.k, this.limit);
  }

  add(len: number): void {
    this.spans.push(this.used, len);
    this.used = align4(this.used + len);
  }

  /** Starts hashing this run into its digests, and turns to the other buffer. */
  private flush(): void {
    const digests = this.trie.digests.subarray(32 * this.first, 32 * this.trie.hashed);
    this.hashing[this.k] = hashSpans(this.hash, this.out, Uint32Array.from(this.spans), digests);
    this.k ^= 1;
    this.first = this.trie.hashed;
    this.spans = [];
    this.used = 0;
  }

  async finish(): Promise<void> {
    if (this.used > 0) this.flush();
    await Promise.all(this.hashing);
  }
}
