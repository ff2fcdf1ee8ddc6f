import { RLP } from '@ethereumjs/rlp';
import { describe, expect, it } from 'vitest';
import { decodeNode, NodeCache, type Node } from '../../src/rollup/trie-node.js';
import { xorshift32 } from '../support/xorshift.js';

/** decodeNode reads a stored node in place: checked against @ethereumjs/rlp's decoding of the same bytes. */
const r = xorshift32(5);
type Raw = Uint8Array | Raw[];

/** A node back to the items it was encoded from (hex-prefix paths, children by hash or inline). */
function itemsOf(n: Node): Raw[] {
  const ref = (c: Node | { kind: 3; hash: Uint8Array } | undefined): Raw => (!c ? new Uint8Array(0) : c.kind === 3 ? c.hash : (RLP.decode(c.enc!.bytes) as Raw[]));
  if (n.kind === 2) return [...n.children.map(ref), new Uint8Array(0)];
  const odd = n.path.length % 2;
  const hp = new Uint8Array(1 + (n.path.length >> 1));
  hp[0] = ((n.kind === 0 ? 2 : 0) + odd) << 4;
  let p = 0;
  if (odd) hp[0] |= n.path[p++];
  for (let i = 1; i < hp.length; i++, p += 2) hp[i] = (n.path[p] << 4) | n.path[p + 1];
  return [hp, n.kind === 0 ? n.value : ref(n.child)];
}

const hp = (nibbles: number, leaf: boolean): Uint8Array => {
  const path = Array.from({ length: nibbles }, () => r.below(16));
  const odd = nibbles % 2;
  const out = new Uint8Array(1 + (nibbles >> 1));
  out[0] = ((leaf ? 2 : 0) + odd) << 4;
  let p = 0;
  if (odd) out[0] |= path[p++];
  for (let i = 1; i < out.length; i++, p += 2) out[i] = (path[p] << 4) | path[p + 1];
  return out;
};
/** A short leaf, under 32 bytes encoded: the form that sits inline in its parent. */
const inlineLeaf = (): Raw[] => [hp(r.below(6), true), r.bytes(1 + r.below(8))];
const value = (): Uint8Array => r.pick([Uint8Array.of(r.below(0x80)), Uint8Array.of(0x80 + r.below(0x80)), r.bytes(2 + r.below(40)), r.bytes(56 + r.below(60))]);

describe('decodeNode', () => {
  it('branches, leaves and extensions, with hashed, inline and empty children, short and long headers', () => {
    for (let i = 0; i < 500; i++) {
      const kind = r.below(3);
      let items: Raw[];
      if (kind === 2) {
        items = Array.from({ length: 16 }, () => r.pick<() => Raw>([() => new Uint8Array(0), () => r.bytes(32), inlineLeaf])());
        items.push(new Uint8Array(0));
      } else if (kind === 0) items = [hp(r.below(65), true), value()];
      else items = [hp(1 + r.below(63), false), r.below(2) ? r.bytes(32) : inlineLeaf()];
      const bytes = RLP.encode(items);
      const n = decodeNode(bytes);
      expect(n.kind).toBe(kind);
      expect(RLP.encode(itemsOf(n))).toEqual(bytes);
    }
  });

  it('refuses what is not a node', () => {
    expect(() => decodeNode(RLP.encode(r.bytes(40)))).toThrow();
    expect(() => decodeNode(RLP.encode([r.bytes(3), r.bytes(3), r.bytes(3)]))).toThrow();
  });
});

describe('NodeCache', () => {
  it('never answers a node for another hash that shares its key', () => {
    const cache = new NodeCache(100);
    const a = r.bytes(32);
    const b = Uint8Array.from(a);
    b[31] ^= 1;
    const na: Node = { kind: 0, path: new Uint8Array(0), value: Uint8Array.of(1), enc: { bytes: Uint8Array.of(0xc0), hash: a } };
    cache.set(a, na);
    expect(cache.get(a)).toBe(na);
    expect(cache.get(b)).toBeUndefined();
    const nb: Node = { ...na, enc: { bytes: Uint8Array.of(0xc0), hash: b } };
    cache.set(b, nb);
    expect(cache.get(b)).toBe(nb);
    expect(cache.get(a)).toBeUndefined();
  });
});
