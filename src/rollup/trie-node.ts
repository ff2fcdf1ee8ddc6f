import { GenerationalCache } from '../primitives/generational-cache.js';
import { hashKey, sameHash } from '../primitives/hash-map.js';

/**
 * The stored trie's nodes in memory (trie.ts): their shapes, their decoding straight from
 * the stored bytes, and the cache of decoded nodes by hash that every trie of the chain
 * shares (a node's content never changes).
 */
export type Nibbles = Uint8Array;
/** A node as encoded: its RLP bytes, and its hash when they are 32 bytes or more (or it is a root). */
export interface Encoded {
  bytes: Uint8Array;
  hash?: Uint8Array;
}
export interface Leaf { kind: 0; path: Nibbles; value: Uint8Array; enc?: Encoded }
export interface Ext { kind: 1; path: Nibbles; child: Child; enc?: Encoded }
export interface Branch { kind: 2; children: (Child | undefined)[]; enc?: Encoded }
export type Node = Leaf | Ext | Branch;
/** A stored node not read yet. */
export interface Stored { kind: 3; hash: Uint8Array }
export type Child = Node | Stored;

/**
 * Bytes handed out as views of 64 KiB blocks: a new node's encoding is one of them. A
 * typed array of its own per node cost an off-heap allocation each (about 3 µs, and
 * work for the garbage collector): encoding was the largest part of committing a
 * block's 9,000 nodes. A block stays alive while any node written into it is cached.
 */
export class Slab {
  private block = new Uint8Array(0);
  private at = 0;
  take(size: number): Uint8Array {
    if (this.at + size > this.block.length) {
      this.block = new Uint8Array(Math.max(size, SLAB_BYTES));
      this.at = 0;
    }
    const view = this.block.subarray(this.at, this.at + size);
    this.at += size;
    return view;
  }
}
const SLAB_BYTES = 64 * 1024;

/**
 * Decoded nodes by hash, at most `max` of them, the least recently used out first. The
 * key is the hash's first six bytes as a number, and a hit is checked against the whole
 * hash (two nodes sharing a key displace each other; neither is ever taken for the
 * other): a string made of each hash cost two allocations per lookup, and a block's
 * trie update looks up about 20,000 nodes.
 */
export class NodeCache {
  private readonly nodes: GenerationalCache<number, Node>;
  constructor(max = 200_000) {
    this.nodes = new GenerationalCache(max);
  }
  get(hash: Uint8Array): Node | undefined {
    const n = this.nodes.get(hashKey(hash));
    return n && sameHash(n.enc!.hash!, hash) ? n : undefined;
  }
  /** Holds `n`, whose `enc.hash` is `hash`. */
  set(hash: Uint8Array, n: Node): void {
    this.nodes.set(hashKey(hash), n);
  }
}

/**
 * A node from its stored RLP, read in place: paths, values and child hashes are views of
 * `bytes` (a stored node's bytes are the trie's own copy, never rewritten), an inline
 * child is decoded the same way and keeps its view as its encoding. No generic RLP
 * decode: it built an array per list and copied every item.
 */
export function decodeNode(bytes: Uint8Array): Node {
  const [start, end] = listPayload(bytes, 0);
  let o = start;
  const items: number[] = [];
  while (o < end) {
    items.push(o);
    o = itemEnd(bytes, o);
  }
  if (o !== end) throw new Error('a trie node\'s items overrun its list');
  if (items.length === 17) {
    const children: (Child | undefined)[] = new Array(16);
    for (let i = 0; i < 16; i++) children[i] = childAt(bytes, items[i]);
    return { kind: 2, children };
  }
  if (items.length !== 2) throw new Error(`a trie node has ${items.length} items`);
  const [path, leaf] = fromHexPrefix(stringAt(bytes, items[0]));
  if (leaf) return { kind: 0, path, value: stringAt(bytes, items[1]) };
  const child = childAt(bytes, items[1]);
  if (!child) throw new Error('an extension node without a child');
  return { kind: 1, path, child };
}

/** A child reference at `o`: empty (none), a 32-byte hash, or a short node inline. */
function childAt(b: Uint8Array, o: number): Child | undefined {
  if (b[o] >= 0xc0) {
    const inline = b.subarray(o, itemEnd(b, o));
    const n = decodeNode(inline);
    n.enc = { bytes: inline };
    return n;
  }
  const s = stringAt(b, o);
  return s.length === 0 ? undefined : { kind: 3, hash: s };
}

/** The payload of the string item at `o`, as a view. */
function stringAt(b: Uint8Array, o: number): Uint8Array {
  const p = b[o];
  if (p < 0x80) return b.subarray(o, o + 1);
  if (p <= 0xb7) return b.subarray(o + 1, o + 1 + p - 0x80);
  if (p < 0xc0) {
    const ll = p - 0xb7;
    const len = lengthAt(b, o + 1, ll);
    return b.subarray(o + 1 + ll, o + 1 + ll + len);
  }
  throw new Error('a trie node holds a list where a string belongs');
}

/** The [start, end) of the payload of the list at `o`. */
function listPayload(b: Uint8Array, o: number): [number, number] {
  const p = b[o];
  if (p < 0xc0) throw new Error('a trie node is not an RLP list');
  if (p <= 0xf7) return [o + 1, o + 1 + p - 0xc0];
  const ll = p - 0xf7;
  const len = lengthAt(b, o + 1, ll);
  return [o + 1 + ll, o + 1 + ll + len];
}

/** Where the item at `o` ends. */
function itemEnd(b: Uint8Array, o: number): number {
  const p = b[o];
  if (p < 0x80) return o + 1;
  if (p <= 0xb7) return o + 1 + p - 0x80;
  if (p < 0xc0) return o + 1 + (p - 0xb7) + lengthAt(b, o + 1, p - 0xb7);
  if (p <= 0xf7) return o + 1 + p - 0xc0;
  return o + 1 + (p - 0xf7) + lengthAt(b, o + 1, p - 0xf7);
}

function lengthAt(b: Uint8Array, o: number, n: number): number {
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[o + i];
  return len;
}

/** A hex-prefix path back to nibbles, and whether it is a leaf's. */
function fromHexPrefix(b: Uint8Array): [Nibbles, boolean] {
  const flag = b[0] >> 4;
  const odd = flag & 1;
  const out = new Uint8Array((b.length - 1) * 2 + odd);
  let p = 0;
  if (odd) out[p++] = b[0] & 15;
  for (let i = 1; i < b.length; i++) {
    out[p++] = b[i] >> 4;
    out[p++] = b[i] & 15;
  }
  return [out, flag >= 2];
}
