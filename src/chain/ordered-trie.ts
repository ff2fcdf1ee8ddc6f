import { keccak256 } from '../primitives/keccak.js';
import { align4, cpuHasher, type BatchHasher } from './hasher.js';
import { LevelRun, RUN_BYTES } from './trie-level-run.js';
import { headerSize, LIST, STRING, stringSize, writeHeader, writeString } from './rlp-write.js';

/**
 * The root of a Merkle-Patricia trie built at once from all of its entries: the node
 * structure first, then the hashes bottom up, one batch per height, so a post-state of
 * tens of thousands of accounts and slots costs one hash per node and a handful of
 * batches (on the GPU when the hasher is the GPU's).
 * Keys must be prefix-free (no key starts another: equal-length keys and RLP-encoded
 * indices are), so no value sits in a branch node; values are non-empty.
 */
export interface TrieEntry {
  key: Uint8Array;
  value: Uint8Array | WrittenValue;
}

/**
 * A value of `length` bytes (two or more) that the trie has written straight into its
 * leaf's encoding, where it is needed once: a 100k-receipt block's receipts written
 * ahead into a buffer of their own were 43 MB more at once.
 */
export interface WrittenValue {
  readonly length: number;
  write(out: Uint8Array, o: number): void;
}

const EMPTY_STRING = Uint8Array.of(0x80);

/** keccak256(RLP("")): the root of the empty trie. */
export const EMPTY_TRIE_ROOT = keccak256(EMPTY_STRING);

/** `runBytes`: the most bytes of encodings hashed at once (RUN_BYTES; tests make it small, to split a height into many runs). */
export async function orderedTrieRoot(entries: TrieEntry[], hash: BatchHasher = cpuHasher, runBytes = RUN_BYTES): Promise<Uint8Array> {
  if (entries.length === 0) return EMPTY_TRIE_ROOT;
  const t = new Trie(sortByKey(entries));
  const root = t.build(0, t.items.length, 0);
  // Bottom up, one height at a time: a node's encoding needs its children's references.
  const levels = t.levels();
  for (let h = 0; h < levels.length; h++) await t.encodeLevel(levels[h], root, hash, runBytes);
  const at = 32 * t.digestAt[root];
  return t.digests.slice(at, at + 32);
}

const LEAF = 0;
const EXTENSION = 1;
const BRANCH = 2;

/**
 * The nodes as columns of numbers: at 10^5 entries an object and two arrays per node
 * made garbage collection the largest cost of a state root. Paths are not copied out:
 * a node names its item and nibble range.
 *
 * A height's encodings are needed only until they are hashed, except those under 32
 * bytes, which their parents embed: the others go into runs, written into two buffers
 * that every height reuses (trie-level-run.ts), the embedded ones into a small buffer
 * of their own, and every digest into one array. An array per height (about 90 MB for a 100k-transaction batch's tries)
 * was external memory, and every 64 MiB of it starts a full mark of the heap, which
 * at that size holds most of a GB.
 */
class Trie {
  /** At most 3n nodes: n leaves, fewer than n branches, and an extension above each branch and the root. */
  readonly kind: Uint8Array;
  readonly height: Uint16Array;
  /** Nibbles of the key above the node: a leaf's or an extension's path starts here. */
  readonly depth: Uint16Array;
  /** Leaf: its item; extension: an item its path is read from. */
  readonly item: Int32Array;
  /** Extension: where its path ends (its child's depth). */
  readonly end: Uint16Array;
  /**
   * Extension: its child; branch: where its 16 children start in `kids` (-1: none).
   * Random keys make about 0.37 branches a key and RLP indices about 0.07: `kids` starts
   * at 16 slots for half the keys and doubles when that runs out.
   */
  readonly child: Int32Array;
  kids: Int32Array;
  count = 0;
  private kidsUsed = 0;
  /**
   * Per node, once its height is encoded: its payload's and encoding's length, the
   * encoding's offset (in `embedded` when it is under 32 bytes and not the root, else in
   * `encoding` until the next height), and its digest's index (-1: embedded in its parent).
   */
  readonly payloadLen: Int32Array;
  readonly encLen: Int32Array;
  readonly encAt: Int32Array;
  readonly digestAt: Int32Array;
  /** Two buffers for the runs of a height's hashed nodes, 4-byte aligned (the GPU reads words). */
  private readonly encoding = [new Uint8Array(0), new Uint8Array(0)];
  private embedded = new Uint8Array(256);
  private embeddedUsed = 0;
  /** 32 bytes a hashed node, by digestAt: sized for every node once the nodes are built. */
  digests = new Uint8Array(0);
  hashed = 0;

  constructor(readonly items: TrieEntry[]) {
    const cap = 3 * items.length + 1;
    this.kind = new Uint8Array(cap);
    this.height = new Uint16Array(cap);
    this.depth = new Uint16Array(cap);
    this.item = new Int32Array(cap);
    this.end = new Uint16Array(cap);
    this.child = new Int32Array(cap);
    this.kids = new Int32Array(16 * Math.ceil(items.length / 2)).fill(-1);
    this.payloadLen = new Int32Array(cap);
    this.encLen = new Int32Array(cap);
    this.encAt = new Int32Array(cap);
    this.digestAt = new Int32Array(cap).fill(-1);
  }

  private add(kind: number, height: number, depth: number, item: number, end: number, child: number): number {
    const n = this.count++;
    this.kind[n] = kind;
    this.height[n] = height;
    this.depth[n] = depth;
    this.item[n] = item;
    this.end[n] = end;
    this.child[n] = child;
    return n;
  }

  /** The nodes of each height, from the leaves up. */
  levels(): Int32Array[] {
    const sizes: number[] = [];
    for (let n = 0; n < this.count; n++) sizes[this.height[n]] = (sizes[this.height[n]] ?? 0) + 1;
    const levels = Array.from(sizes, (k) => new Int32Array(k ?? 0));
    const filled = sizes.map(() => 0);
    for (let n = 0; n < this.count; n++) levels[this.height[n]][filled[this.height[n]]++] = n;
    return levels;
  }

  /** The node holding items[from, to), all sharing their first `depth` nibbles. */
  build(from: number, to: number, depth: number): number {
    const items = this.items;
    if (to - from === 1) return this.add(LEAF, 0, depth, from, 0, -1);
    // Sorted, so the prefix common to all is the prefix common to the first and the last.
    const first = items[from].key;
    const last = items[to - 1].key;
    let shared = depth;
    const nibbles = 2 * Math.min(first.length, last.length);
    while (shared < nibbles && nibble(first, shared) === nibble(last, shared)) shared++;
    // Past the end of a key, nibbles would read as zeros for ever.
    if (shared === nibbles) throw new RangeError('orderedTrieRoot: the keys must be prefix-free, and a key repeats or starts another');
    if (shared > depth) {
      const c = this.build(from, to, shared);
      return this.add(EXTENSION, this.height[c] + 1, depth, from, shared, c);
    }
    const base = this.kidsUsed;
    this.kidsUsed += 16;
    if (this.kidsUsed > this.kids.length) {
      const grown = new Int32Array(2 * this.kids.length).fill(-1);
      grown.set(this.kids);
      this.kids = grown;
    }
    let height = 0;
    for (let i = from; i < to; ) {
      const n = nibble(items[i].key, depth);
      let j = i + 1;
      while (j < to && nibble(items[j].key, depth) === n) j++;
      const c = this.build(i, j, depth + 1);
      height = Math.max(height, this.height[c] + 1);
      this.kids[base + n] = c;
      i = j;
    }
    return this.add(BRANCH, height, depth, from, 0, base);
  }

  /**
   * Encodes every node of one height, and hashes those of 32 bytes or more (and the
   * root) in runs of at most RUN_BYTES: each run is written into one of two buffers
   * while the other's is hashed, so the encodings of a height never exist all at once.
   */
  async encodeLevel(level: Int32Array, root: number, hash: BatchHasher, runBytes: number): Promise<void> {
    if (this.digests.length === 0) this.digests = new Uint8Array(32 * this.count);
    let small = this.embeddedUsed;
    let bytes = 0;
    let largest = 4;
    for (const n of level) {
      const payload = (this.payloadLen[n] = this.payload(n));
      const len = (this.encLen[n] = headerSize(payload) + payload);
      if (len < 32 && n !== root) {
        this.encAt[n] = small;
        small += len;
      } else {
        bytes += align4(len);
        largest = Math.max(largest, align4(len));
      }
    }
    if (this.embedded.length < small) {
      const grown = new Uint8Array(Math.max(small, 2 * this.embedded.length));
      grown.set(this.embedded.subarray(0, this.embeddedUsed));
      this.embedded = grown;
    }
    this.embeddedUsed = small;
    const run = new LevelRun(this, hash, Math.max(largest, Math.min(bytes, runBytes)));
    for (const n of level) {
      if (this.encLen[n] < 32 && n !== root) {
        this.write(n, this.embedded, this.encAt[n]);
        continue;
      }
      // Awaited only where a run ends: not a promise a node.
      if (!run.fits(align4(this.encLen[n]))) await run.next(align4(this.encLen[n]));
      this.encAt[n] = run.used;
      this.write(n, run.out, run.used);
      this.digestAt[n] = this.hashed++;
      run.add(this.encLen[n]);
    }
    await run.finish();
  }

  /** The buffer a run of encodings is written into: one of two, grown where a node outgrows them. */
  buffer(k: number, size: number): Uint8Array {
    if (this.encoding[k].length < size) this.encoding[k] = new Uint8Array(size);
    return this.encoding[k];
  }

  /** The RLP payload length of a node whose children are encoded. */
  private payload(n: number): number {
    if (this.kind[n] === BRANCH) {
      let payload = 1; // the empty value
      for (let k = 0; k < 16; k++) {
        const c = this.kids[this.child[n] + k];
        payload += c >= 0 ? this.refSize(c) : 1;
      }
      return payload;
    }
    const key = this.items[this.item[n]].key;
    const end = this.kind[n] === LEAF ? 2 * key.length : this.end[n];
    const hpLen = 1 + ((end - this.depth[n]) >> 1);
    // The flag byte is below 0x80: alone, it is its own RLP.
    const path = hpLen === 1 ? 1 : headerSize(hpLen) + hpLen;
    if (this.kind[n] !== LEAF) return path + this.refSize(this.child[n]);
    const value = this.items[this.item[n]].value;
    return path + (value instanceof Uint8Array ? stringSize(value) : headerSize(value.length) + value.length);
  }

  /** A node's RLP, written at `o` of `out` (its children's encodings and digests are known). */
  private write(n: number, out: Uint8Array, o: number): void {
    o = writeHeader(out, o, this.payloadLen[n], LIST);
    if (this.kind[n] === BRANCH) {
      for (let k = 0; k < 16; k++) {
        const c = this.kids[this.child[n] + k];
        o = c >= 0 ? this.writeRef(out, o, c) : ((out[o] = 0x80), o + 1);
      }
      out[o] = 0x80;
      return;
    }
    const leaf = this.kind[n] === LEAF;
    const key = this.items[this.item[n]].key;
    const end = leaf ? 2 * key.length : this.end[n];
    const pathLen = end - this.depth[n];
    // Hex-prefix: one flag byte (holding the first nibble when the path is odd), then pairs.
    const hpLen = 1 + (pathLen >> 1);
    if (hpLen > 1) o = writeHeader(out, o, hpLen, STRING);
    const odd = pathLen & 1;
    let d = this.depth[n];
    out[o++] = (((leaf ? 2 : 0) + odd) << 4) | (odd ? nibble(key, d++) : 0);
    if ((d & 1) === 0) for (let b = d >> 1; b < end >> 1; b++) out[o++] = key[b];
    else for (; d < end; d += 2) out[o++] = (nibble(key, d) << 4) | nibble(key, d + 1);
    if (!leaf) {
      this.writeRef(out, o, this.child[n]);
      return;
    }
    const value = this.items[this.item[n]].value;
    if (value instanceof Uint8Array) writeString(out, o, value);
    else value.write(out, writeHeader(out, o, value.length, STRING));
  }

  /** A child inside its parent: its encoding when under 32 bytes, else its digest as a string. */
  private refSize(c: number): number {
    return this.encLen[c] < 32 ? this.encLen[c] : 33;
  }

  private writeRef(out: Uint8Array, o: number, c: number): number {
    const len = this.encLen[c];
    if (len < 32) {
      const src = this.embedded;
      for (let k = 0, at = this.encAt[c]; k < len; k++) out[o + k] = src[at + k];
      return o + len;
    }
    out[o] = 0xa0;
    const src = this.digests;
    for (let k = 0, at = 32 * this.digestAt[c]; k < 32; k++) out[o + 1 + k] = src[at + k];
    return o + 33;
  }
}

export function nibbles(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    out[2 * i] = key[i] >> 4;
    out[2 * i + 1] = key[i] & 15;
  }
  return out;
}

function nibble(key: Uint8Array, d: number): number {
  const b = key[d >> 1];
  return d & 1 ? b & 15 : b >> 4;
}

/**
 * The entries in key order. Byte order is nibble order, and prefix-free keys never tie.
 * Each key's first four bytes and its index are packed into one float (exact below
 * 2^53), so that a native numeric sort orders nearly all of them; only runs that share
 * those bytes are then ordered by comparing whole keys.
 */
function sortByKey(entries: TrieEntry[]): TrieEntry[] {
  const indexBits = Math.max(1, Math.ceil(Math.log2(entries.length)));
  if (32 + indexBits > 53) return entries.slice().sort((a, b) => compareBytes(a.key, b.key));
  const scale = 2 ** indexBits;
  const packed = new Float64Array(entries.length);
  entries.forEach((e, i) => (packed[i] = prefix(e.key) * scale + i));
  packed.sort();
  const out = new Array<TrieEntry>(entries.length);
  for (let i = 0; i < packed.length; i++) out[i] = entries[packed[i] % scale];
  for (let i = 0; i < out.length; ) {
    let j = i + 1;
    while (j < out.length && Math.floor(packed[j] / scale) === Math.floor(packed[i] / scale)) j++;
    if (j - i > 1) out.splice(i, j - i, ...out.slice(i, j).sort((a, b) => compareBytes(a.key, b.key)));
    i = j;
  }
  return out;
}

/** A key's first four bytes as a number, short keys padded with zeros (ties are broken by compareBytes). */
function prefix(key: Uint8Array): number {
  return ((key[0] ?? 0) * 0x1000000) + ((key[1] ?? 0) << 16) + ((key[2] ?? 0) << 8) + (key[3] ?? 0);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Hex-prefix encoding of a nibble path (Yellow Paper appendix C). */
export function hexPrefix(path: Uint8Array, leaf: boolean): Uint8Array {
  const odd = path.length % 2;
  const out = new Uint8Array(1 + (path.length >> 1));
  out[0] = ((leaf ? 2 : 0) + odd) << 4;
  let p = 0;
  if (odd) out[0] |= path[p++];
  for (let i = 1; i < out.length; i++, p += 2) out[i] = (path[p] << 4) | path[p + 1];
  return out;
}

/** An RLP list from items that are already RLP-encoded. */
export function encodeList(encodedItems: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const it of encodedItems) len += it.length;
  const out = new Uint8Array(headerSize(len) + len);
  let o = writeHeader(out, 0, len, LIST);
  for (const it of encodedItems) {
    out.set(it, o);
    o += it.length;
  }
  return out;
}
