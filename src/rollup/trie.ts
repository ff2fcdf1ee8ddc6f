import { keccak256 } from '../primitives/keccak.js';
import type { BatchHasher } from '../chain/hasher.js';
import { EMPTY_TRIE_ROOT, hexPrefix, nibbles } from '../chain/ordered-trie.js';
import { headerSize, LIST, stringSize, writeHeader, writeString } from '../chain/rlp-write.js';
import { decodeNode, NodeCache, Slab, type Branch, type Child, type Encoded, type Nibbles, type Node } from './trie-node.js';

/**
 * A Merkle-Patricia trie kept on disk and updated a block at a time. Nodes are the
 * standard ones (leaf, extension, branch, RLP-encoded, referenced by keccak256 when
 * their encoding has 32 bytes or more, inlined in their parent otherwise; the root is
 * always stored), keyed by their hash, so @ethereumjs/mpt reads this store as its own
 * (the tests do). A block's changes are applied together: each changed node is encoded
 * and hashed once per block, not once per key as @ethereumjs/mpt's `put` does, which
 * on this machine costs 300-500 µs a key (a 1,000-transaction block changes about
 * 3,000 keys). Keys are fixed-length (hashed addresses and slots), so no value sits in
 * a branch. Nodes are never deleted: a rollback points the head back at an older root,
 * whose nodes are all still there.
 */
export interface NodeReader {
  /** The encoded node with this hash, or undefined. */
  node(hash: Uint8Array): Uint8Array | undefined;
}

export interface TrieChange {
  /** The trie key: 32 bytes (keccak of the address or slot). */
  key: Uint8Array;
  /** The new value; undefined deletes the key. */
  value: Uint8Array | undefined;
}

export interface TrieUpdate {
  root: Uint8Array;
  /** Nodes to store, [hash, encoding], reachable from the new root. */
  nodes: [Uint8Array, Uint8Array][];
}

export { EMPTY_TRIE_ROOT, NodeCache };

export class Trie {
  private root: Child | undefined;
  private readonly cache: NodeCache;

  constructor(
    private readonly reader: NodeReader,
    rootHash: Uint8Array,
    cache?: NodeCache,
  ) {
    this.cache = cache ?? new NodeCache(0);
    this.root = equal(rootHash, EMPTY_TRIE_ROOT) ? undefined : { kind: 3, hash: rootHash };
  }

  /** The value at `key`, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined {
    let node = this.root;
    const path = nibbles(key);
    let at = 0;
    while (node) {
      const n = this.resolve(node);
      if (n.kind === 0) return matches(path, at, n.path) && at + n.path.length === path.length ? n.value : undefined;
      if (n.kind === 1) {
        if (!matches(path, at, n.path)) return undefined;
        at += n.path.length;
        node = n.child;
      } else node = n.children[path[at++]];
    }
    return undefined;
  }

  put(key: Uint8Array, value: Uint8Array | undefined): void {
    const path = nibbles(key);
    this.root = value === undefined ? this.remove(this.root, path, 0) : this.insert(this.root, path, 0, value);
  }

  /** The root hash, and the nodes this trie created that the new root reaches (hashed here, one at a time: commitTries hashes many tries' nodes in batches). */
  commit(): TrieUpdate {
    if (!this.root) return { root: EMPTY_TRIE_ROOT, nodes: [] };
    const nodes: [Uint8Array, Uint8Array][] = [];
    if (this.root.kind === 3) return { root: this.root.hash, nodes };
    const enc = this.encode(this.root, nodes, new Slab());
    if (!enc.hash) {
      // A root under 32 bytes is still stored and referenced by its hash.
      enc.hash = keccak256(enc.bytes);
      nodes.push([enc.hash, enc.bytes]);
    }
    return { root: enc.hash, nodes };
  }

  /**
   * The new nodes, by height above the lowest new ones (a node's new children are all
   * lower than it), into `levels`, as [trie, node, isRoot]: commitTries encodes and
   * hashes a height at a time.
   */
  newNodes(levels: [Trie, Node, boolean][][]): void {
    const root = this.root;
    if (!root || root.kind === 3) return;
    if (root.enc) {
      if (!root.enc.hash) levels[0] = [...(levels[0] ?? []), [this, root, true]];
      return;
    }
    const height = (n: Node): number => {
      let h = 0;
      const kids = n.kind === 2 ? n.children : n.kind === 1 ? [n.child] : [];
      for (const c of kids) if (c && c.kind !== 3 && !c.enc) h = Math.max(h, height(c) + 1);
      if (n !== root) (levels[h] ??= []).push([this, n, false]);
      return h;
    };
    (levels[height(root)] ??= []).push([this, root, true]);
  }

  /** A new node's encoding, its new children encoded already (newNodes' order). */
  encodeOne(n: Node, slab: Slab): Uint8Array {
    if (n.enc) return n.enc.bytes;
    const below: [Uint8Array, Uint8Array][] = [];
    const bytes = this.bytesOf(n, below, slab);
    if (below.length > 0) throw new Error('a trie node was encoded before its new children');
    n.enc = { bytes };
    return bytes;
  }

  /** Records a node's hash (commitTries' batch): its parent refers to it by the hash, and the next block finds it in the cache. */
  hashed(n: Node, hash: Uint8Array): void {
    n.enc!.hash = hash;
    this.cache.set(hash, n);
  }

  /** The root after commitTries hashed the new nodes. */
  rootHash(): Uint8Array {
    if (!this.root) return EMPTY_TRIE_ROOT;
    return this.root.kind === 3 ? this.root.hash : this.root.enc!.hash!;
  }

  private resolve(c: Child): Node {
    if (c.kind !== 3) return c;
    let n = this.cache.get(c.hash);
    if (!n) {
      const bytes = this.reader.node(c.hash);
      if (!bytes) throw new Error(`trie node ${Buffer.from(c.hash).toString('hex')} is missing from the store`);
      n = decodeNode(bytes);
      n.enc = { bytes, hash: c.hash };
      this.cache.set(c.hash, n);
    }
    return n;
  }

  private insert(c: Child | undefined, path: Nibbles, at: number, value: Uint8Array): Node {
    if (!c) return { kind: 0, path: path.slice(at), value };
    const n = this.resolve(c);
    if (n.kind === 2) {
      const b = n.enc ? { kind: 2 as const, children: [...n.children] } : n;
      b.children[path[at]] = this.insert(b.children[path[at]], path, at + 1, value);
      return b;
    }
    const shared = common(path, at, n.path);
    if (n.kind === 0 && shared === n.path.length) return { kind: 0, path: n.path, value };
    if (n.kind === 1 && shared === n.path.length) return { kind: 1, path: n.path, child: this.insert(n.child, path, at + shared, value) };
    // Split where the paths part: a branch holding the old node's rest and the new leaf.
    const branch: Branch = { kind: 2, children: new Array(16) };
    const rest = n.path.subarray(shared + 1);
    branch.children[n.path[shared]] = n.kind === 0 ? { kind: 0, path: rest, value: n.value } : rest.length === 0 ? n.child : { kind: 1, path: rest, child: n.child };
    branch.children[path[at + shared]] = { kind: 0, path: path.slice(at + shared + 1), value };
    return shared === 0 ? branch : { kind: 1, path: n.path.slice(0, shared), child: branch };
  }

  private remove(c: Child | undefined, path: Nibbles, at: number): Child | undefined {
    if (!c) return undefined;
    const n = this.resolve(c);
    if (n.kind === 0) return matches(path, at, n.path) ? undefined : c;
    if (n.kind === 1) {
      if (!matches(path, at, n.path)) return c;
      const child = this.remove(n.child, path, at + n.path.length);
      return child === n.child ? c : child && this.prefix(n.path, child);
    }
    const nibble = path[at];
    const child = this.remove(n.children[nibble], path, at + 1);
    if (child === n.children[nibble]) return c;
    const b = n.enc ? { kind: 2 as const, children: [...n.children] } : n;
    b.children[nibble] = child;
    let only = -1;
    for (let i = 0; i < 16; i++) {
      if (!b.children[i]) continue;
      if (only >= 0) return b;
      only = i;
    }
    // One child left: the branch collapses into it, behind one more nibble.
    return only < 0 ? undefined : this.prefix(Uint8Array.of(only), b.children[only]!);
  }

  /** `child` one level further down: its path prefixed by `path` (leaf and extension merge, a branch gets an extension). */
  private prefix(path: Nibbles, c: Child): Node {
    const n = this.resolve(c);
    if (n.kind === 0) return { kind: 0, path: concat(path, n.path), value: n.value };
    if (n.kind === 1) return { kind: 1, path: concat(path, n.path), child: n.child };
    return { kind: 1, path, child: c };
  }

  /**
   * Encodes a new node and the new nodes under it, filing those that are stored by hash
   * (and keeping them decoded, for the next block's update, which starts from them).
   */
  private encode(n: Node, out: [Uint8Array, Uint8Array][], slab: Slab): Encoded {
    if (n.enc) return n.enc;
    const bytes = this.bytesOf(n, out, slab);
    const enc: Encoded = { bytes };
    if (bytes.length >= 32) {
      enc.hash = keccak256(bytes);
      out.push([enc.hash, bytes]);
      this.cache.set(enc.hash, n);
    }
    n.enc = enc;
    return enc;
  }

  /** A node's RLP, its new children encoded (and filed in `out`) first: sized first, then written (rlp-write.ts) into a view of `slab`. */
  private bytesOf(n: Node, out: [Uint8Array, Uint8Array][], slab: Slab): Uint8Array {
    if (n.kind === 0) {
      const hp = hexPrefix(n.path, true);
      const len = stringSize(hp) + stringSize(n.value);
      const b = slab.take(headerSize(len) + len);
      writeString(b, writeString(b, writeHeader(b, 0, len, LIST), hp), n.value);
      return b;
    }
    if (n.kind === 1) {
      const hp = hexPrefix(n.path, false);
      const ref = this.reference(n.child, out, slab);
      const len = stringSize(hp) + referenceSize(ref);
      const b = slab.take(headerSize(len) + len);
      putReference(b, writeString(b, writeHeader(b, 0, len, LIST), hp), ref);
      return b;
    }
    // A branch: sixteen children (a hash, a short node inline, or empty) and an empty value.
    const refs: (Reference | undefined)[] = new Array(16);
    let len = 1;
    for (let i = 0; i < 16; i++) {
      const c = n.children[i];
      refs[i] = c && this.reference(c, out, slab);
      len += refs[i] ? referenceSize(refs[i]!) : 1;
    }
    const b = slab.take(headerSize(len) + len);
    let o = writeHeader(b, 0, len, LIST);
    for (let i = 0; i < 16; i++) {
      const ref = refs[i];
      if (ref) o = putReference(b, o, ref);
      else b[o++] = EMPTY_ITEM;
    }
    b[o] = EMPTY_ITEM;
    return b;
  }

  /** A child inside its parent: a stored node, or a new one encoded (and filed in `out`). */
  private reference(c: Child, out: [Uint8Array, Uint8Array][], slab: Slab): Reference {
    return c.kind === 3 ? c : this.encode(c, out, slab);
  }
}

/** A child as its parent holds it: by its hash when it has one (32 bytes or more), else its encoding inline. */
type Reference = { hash: Uint8Array } | Encoded;

function referenceSize(ref: Reference): number {
  return ref.hash ? 33 : (ref as Encoded).bytes.length;
}

/** Writes a child reference at `o`: a hash as a 32-byte string, a short node as itself. */
function putReference(b: Uint8Array, o: number, ref: Reference): number {
  if (ref.hash) {
    b[o] = 0xa0;
    b.set(ref.hash, o + 1);
    return o + 33;
  }
  const bytes = (ref as Encoded).bytes;
  b.set(bytes, o);
  return o + bytes.length;
}

/**
 * Commits many tries at once (a block's storage tries, then its account trie): their
 * new nodes are encoded a height at a time, lowest first, and each height's nodes of 32
 * bytes or more (and each root) are hashed in one call of `hash`, so a GPU hashes a
 * whole level of every trie in one dispatch. The same roots and nodes as commit().
 */
export async function commitTries(tries: Trie[], hash: BatchHasher): Promise<TrieUpdate[]> {
  const levels: [Trie, Node, boolean][][] = [];
  for (const t of tries) t.newNodes(levels);
  const out = new Map<Trie, [Uint8Array, Uint8Array][]>(tries.map((t) => [t, []]));
  const slab = new Slab();
  for (const level of levels) {
    if (!level) continue;
    const stored: [Trie, Node][] = [];
    const inputs: Uint8Array[] = [];
    for (const [trie, node, root] of level) {
      const bytes = trie.encodeOne(node, slab);
      // A root is stored by its hash even under 32 bytes; other short nodes sit inside their parent.
      if (bytes.length >= 32 || root) {
        stored.push([trie, node]);
        inputs.push(bytes);
      }
    }
    const digests = await hash(inputs);
    stored.forEach(([trie, node], k) => {
      trie.hashed(node, digests[k]);
      out.get(trie)!.push([digests[k], node.enc!.bytes]);
    });
  }
  return tries.map((t) => ({ root: t.rootHash(), nodes: out.get(t)! }));
}

/** RLP of the empty string: an empty branch slot, a branch's (absent) value. */
const EMPTY_ITEM = 0x80;

function matches(path: Nibbles, at: number, part: Nibbles): boolean {
  if (path.length - at < part.length) return false;
  for (let i = 0; i < part.length; i++) if (path[at + i] !== part[i]) return false;
  return true;
}

function common(path: Nibbles, at: number, part: Nibbles): number {
  let i = 0;
  while (i < part.length && at + i < path.length && path[at + i] === part[i]) i++;
  return i;
}

function concat(a: Nibbles, b: Nibbles): Nibbles {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
