import { RLP } from '@ethereumjs/rlp';
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
  const items = entries.map((e) => ({ path: nibbles(e.key), value: e.value }));
  items.sort((a, b) => compareNibbles(a.path, b.path));
  const levels: Node[][] = [];
  const root = build(items, 0, items.length, 0, levels);
  // Bottom up, one batch of hashes per height: a node's encoding needs its children's references.
  for (const level of levels) {
    const big: Node[] = [];
    for (const node of level) {
      node.encoded = encode(node);
      if (node.encoded.length >= 32 || node === root) big.push(node);
    }
    const digests = await hash(big.map((n) => n.encoded!));
    big.forEach((n, i) => (n.hash = digests[i]));
  }
  return root.hash!;
}

type Item = { path: Uint8Array; value: Uint8Array };

type Node = (
  | { kind: 'leaf'; path: Uint8Array; value: Uint8Array }
  | { kind: 'extension'; path: Uint8Array; child: Node }
  | { kind: 'branch'; children: (Node | undefined)[] }
) & { height: number; encoded?: Uint8Array; hash?: Uint8Array };

export function nibbles(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    out[2 * i] = key[i] >> 4;
    out[2 * i + 1] = key[i] & 15;
  }
  return out;
}

function compareNibbles(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** The node holding items[from, to), all sharing their first `depth` nibbles; filed in `levels` by height. */
function build(items: Item[], from: number, to: number, depth: number, levels: Node[][]): Node {
  let node: Node;
  let height = 0;
  if (to - from === 1) {
    node = { kind: 'leaf', path: items[from].path.subarray(depth), value: items[from].value, height };
  } else {
    // Sorted, so the prefix common to all is the prefix common to the first and the last.
    const first = items[from].path;
    const last = items[to - 1].path;
    let shared = depth;
    while (first[shared] === last[shared]) shared++;
    if (shared > depth) {
      const child = build(items, from, to, shared, levels);
      node = { kind: 'extension', path: first.subarray(depth, shared), child, height: child.height + 1 };
    } else {
      const children: (Node | undefined)[] = [];
      let i = from;
      for (let nibble = 0; nibble < 16; nibble++) {
        let j = i;
        while (j < to && items[j].path[depth] === nibble) j++;
        const child = j > i ? build(items, i, j, depth + 1, levels) : undefined;
        if (child) height = Math.max(height, child.height + 1);
        children.push(child);
        i = j;
      }
      node = { kind: 'branch', children, height };
    }
  }
  (levels[node.height] ??= []).push(node);
  return node;
}

function encode(node: Node): Uint8Array {
  if (node.kind === 'leaf') return encodeList([RLP.encode(hexPrefix(node.path, true)), RLP.encode(node.value)]);
  if (node.kind === 'extension') return encodeList([RLP.encode(hexPrefix(node.path, false)), reference(node.child)]);
  const children = node.children.map((c) => (c ? reference(c) : EMPTY_STRING));
  children.push(EMPTY_STRING);
  return encodeList(children);
}

/** A child inside its parent: the node itself when its RLP is under 32 bytes, else its hash. */
function reference(child: Node): Uint8Array {
  return child.encoded!.length < 32 ? child.encoded! : RLP.encode(child.hash!);
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
  const header = len < 56 ? Uint8Array.of(0xc0 + len) : longHeader(0xf7, len);
  const out = new Uint8Array(header.length + len);
  out.set(header, 0);
  let o = header.length;
  for (const it of encodedItems) {
    out.set(it, o);
    o += it.length;
  }
  return out;
}

function longHeader(base: number, len: number): Uint8Array {
  const bytes: number[] = [];
  for (let l = len; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 255);
  return Uint8Array.from([base + bytes.length, ...bytes]);
}
