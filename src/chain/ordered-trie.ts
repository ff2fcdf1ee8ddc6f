import { keccak_256 } from '@noble/hashes/sha3.js';
import { cpuHasher, type BatchHasher } from './hasher.js';

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
  value: Uint8Array;
}

const EMPTY_STRING = Uint8Array.of(0x80);

/** keccak256(RLP("")): the root of the empty trie. */
export const EMPTY_TRIE_ROOT = keccak_256(EMPTY_STRING);

export async function orderedTrieRoot(entries: TrieEntry[], hash: BatchHasher = cpuHasher): Promise<Uint8Array> {
  if (entries.length === 0) return EMPTY_TRIE_ROOT;
  const items = sortByKey(entries);
  const levels: Node[][] = [];
  const root = build(items, 0, items.length, 0, levels);
  // Bottom up, one batch of hashes per height: a node's encoding needs its children's references.
  for (const level of levels) {
    const big: Node[] = [];
    for (const node of level) {
      node.encoded = encode(node, items);
      if (node.encoded.length >= 32 || node === root) big.push(node);
    }
    const digests = await hash(big.map((n) => n.encoded));
    big.forEach((n, i) => (n.hash = digests[i]));
  }
  return root.hash!;
}

const LEAF = 0;
const EXTENSION = 1;
const BRANCH = 2;

/**
 * One node, in one shape for all three kinds (V8 keeps the code that reads them
 * monomorphic). Paths are not copied out: a node names its item and nibble range.
 */
class Node {
  encoded: Uint8Array = EMPTY_STRING;
  hash: Uint8Array | undefined = undefined;
  constructor(
    readonly kind: typeof LEAF | typeof EXTENSION | typeof BRANCH,
    readonly height: number,
    /** Nibbles of the key above this node: a leaf's or an extension's path starts here. */
    readonly depth: number,
    /** Leaf: its item; extension: an item its path is read from. */
    readonly item: number,
    /** Extension: where its path ends (its child's depth). */
    readonly end: number,
    readonly child: Node | undefined,
    readonly children: (Node | undefined)[] | undefined,
  ) {}
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

/** The node holding items[from, to), all sharing their first `depth` nibbles; filed in `levels` by height. */
function build(items: TrieEntry[], from: number, to: number, depth: number, levels: Node[][]): Node {
  let node: Node;
  if (to - from === 1) node = new Node(LEAF, 0, depth, from, 0, undefined, undefined);
  else {
    // Sorted, so the prefix common to all is the prefix common to the first and the last.
    const first = items[from].key;
    const last = items[to - 1].key;
    let shared = depth;
    while (nibble(first, shared) === nibble(last, shared)) shared++;
    if (shared > depth) {
      const child = build(items, from, to, shared, levels);
      node = new Node(EXTENSION, child.height + 1, depth, from, shared, child, undefined);
    } else {
      const children: (Node | undefined)[] = new Array(16).fill(undefined);
      let height = 0;
      for (let i = from; i < to; ) {
        const n = nibble(items[i].key, depth);
        let j = i + 1;
        while (j < to && nibble(items[j].key, depth) === n) j++;
        const child = build(items, i, j, depth + 1, levels);
        height = Math.max(height, child.height + 1);
        children[n] = child;
        i = j;
      }
      node = new Node(BRANCH, height, depth, from, 0, undefined, children);
    }
  }
  (levels[node.height] ??= []).push(node);
  return node;
}

/**
 * A node's RLP, written once into a buffer of its exact size (no intermediate arrays:
 * at tens of thousands of nodes the garbage collector was a quarter of the time).
 */
function encode(node: Node, items: TrieEntry[]): Uint8Array {
  if (node.kind === BRANCH) {
    let payload = 1; // the empty value
    for (const c of node.children!) payload += c ? refSize(c) : 1;
    const out = new Uint8Array(headerSize(payload) + payload);
    let o = writeHeader(out, 0, payload, LIST);
    for (const c of node.children!) o = c ? writeRef(out, o, c) : ((out[o] = 0x80), o + 1);
    out[o] = 0x80;
    return out;
  }
  const key = items[node.item].key;
  const end = node.kind === LEAF ? 2 * key.length : node.end;
  const pathLen = end - node.depth;
  // Hex-prefix: one flag byte (holding the first nibble when the path is odd), then pairs.
  const hpLen = 1 + (pathLen >> 1);
  // The flag byte is below 0x80: alone, it is its own RLP.
  let payload = hpLen === 1 ? 1 : headerSize(hpLen) + hpLen;
  const value = node.kind === LEAF ? items[node.item].value : undefined;
  payload += value ? stringSize(value) : refSize(node.child!);
  const out = new Uint8Array(headerSize(payload) + payload);
  let o = writeHeader(out, 0, payload, LIST);
  if (hpLen > 1) o = writeHeader(out, o, hpLen, STRING);
  const odd = pathLen & 1;
  let d = node.depth;
  out[o++] = (((value ? 2 : 0) + odd) << 4) | (odd ? nibble(key, d++) : 0);
  if ((d & 1) === 0 && end === 2 * key.length) {
    // The rest of the path is whole bytes of the key, to its end.
    out.set(key.subarray(d >> 1), o);
    o += key.length - (d >> 1);
  } else for (; d < end; d += 2) out[o++] = (nibble(key, d) << 4) | nibble(key, d + 1);
  if (value) writeString(out, o, value);
  else writeRef(out, o, node.child!);
  return out;
}

/** A child inside its parent: the node itself when its RLP is under 32 bytes, else its hash as a string. */
function refSize(child: Node): number {
  return child.encoded.length < 32 ? child.encoded.length : 33;
}

function writeRef(out: Uint8Array, o: number, child: Node): number {
  if (child.encoded.length < 32) {
    out.set(child.encoded, o);
    return o + child.encoded.length;
  }
  out[o] = 0xa0;
  out.set(child.hash!, o + 1);
  return o + 33;
}

function lengthBytes(len: number): number {
  let n = 0;
  for (let l = len; l > 0; l = Math.floor(l / 256)) n++;
  return n;
}

function writeLength(out: Uint8Array, o: number, len: number, n: number): void {
  for (let i = n - 1, l = len; i >= 0; i--, l = Math.floor(l / 256)) out[o + i] = l & 255;
}

/** RLP's header kinds: the byte of a short item (payload under 56 bytes) plus its length; a long one's is 0x37 more, plus the length's byte count. */
const STRING = 0x80;
const LIST = 0xc0;

function headerSize(len: number): number {
  return len < 56 ? 1 : 1 + lengthBytes(len);
}

function writeHeader(out: Uint8Array, o: number, len: number, kind: typeof STRING | typeof LIST): number {
  if (len < 56) {
    out[o] = kind + len;
    return o + 1;
  }
  const n = lengthBytes(len);
  out[o] = kind + 0x37 + n;
  writeLength(out, o + 1, len, n);
  return o + 1 + n;
}

function stringSize(bytes: Uint8Array): number {
  return bytes.length === 1 && bytes[0] < 0x80 ? 1 : headerSize(bytes.length) + bytes.length;
}

function writeString(out: Uint8Array, o: number, bytes: Uint8Array): number {
  if (bytes.length === 1 && bytes[0] < 0x80) {
    out[o] = bytes[0];
    return o + 1;
  }
  o = writeHeader(out, o, bytes.length, STRING);
  out.set(bytes, o);
  return o + bytes.length;
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
