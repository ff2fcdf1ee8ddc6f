import { RLP } from '@ethereumjs/rlp';
import { keccak_256 } from '@noble/hashes/sha3.js';

/**
 * The root of a Merkle-Patricia trie built in one pass from all of its entries, as
 * geth's StackTrie does for a whole state at once: no node is stored or revisited, so
 * a post-state of tens of thousands of accounts and slots costs one hash per node.
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

export function orderedTrieRoot(entries: TrieEntry[]): Uint8Array {
  if (entries.length === 0) return EMPTY_TRIE_ROOT;
  const items = entries.map((e) => ({ path: nibbles(e.key), value: e.value }));
  items.sort((a, b) => compareNibbles(a.path, b.path));
  return keccak_256(encodeNode(items, 0, items.length, 0));
}

type Item = { path: Uint8Array; value: Uint8Array };

function nibbles(key: Uint8Array): Uint8Array {
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

/** The RLP of the node holding items[from, to), all of which share their first `depth` nibbles. */
function encodeNode(items: Item[], from: number, to: number, depth: number): Uint8Array {
  if (to - from === 1) {
    const { path, value } = items[from];
    return encodeList([RLP.encode(hexPrefix(path.subarray(depth), true)), RLP.encode(value)]);
  }
  // Sorted, so the prefix common to all is the prefix common to the first and the last.
  const first = items[from].path;
  const last = items[to - 1].path;
  let shared = depth;
  while (first[shared] === last[shared]) shared++;
  if (shared > depth) {
    return encodeList([RLP.encode(hexPrefix(first.subarray(depth, shared), false)), reference(encodeNode(items, from, to, shared))]);
  }
  const children: Uint8Array[] = [];
  let i = from;
  for (let nibble = 0; nibble < 16; nibble++) {
    let j = i;
    while (j < to && items[j].path[depth] === nibble) j++;
    children.push(j > i ? reference(encodeNode(items, i, j, depth + 1)) : EMPTY_STRING);
    i = j;
  }
  children.push(EMPTY_STRING);
  return encodeList(children);
}

/** A child inside its parent: the node itself when its RLP is under 32 bytes, else its hash. */
function reference(encoded: Uint8Array): Uint8Array {
  return encoded.length < 32 ? encoded : RLP.encode(keccak_256(encoded));
}

/** Hex-prefix encoding of a nibble path (Yellow Paper appendix C). */
function hexPrefix(path: Uint8Array, leaf: boolean): Uint8Array {
  const odd = path.length % 2;
  const out = new Uint8Array(1 + (path.length >> 1));
  out[0] = ((leaf ? 2 : 0) + odd) << 4;
  let p = 0;
  if (odd) out[0] |= path[p++];
  for (let i = 1; i < out.length; i++, p += 2) out[i] = (path[p] << 4) | path[p + 1];
  return out;
}

/** An RLP list from items that are already RLP-encoded. */
function encodeList(encodedItems: Uint8Array[]): Uint8Array {
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
