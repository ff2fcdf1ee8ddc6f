import { createMPT } from '@ethereumjs/mpt';
import { ValueEncoding, bytesToUnprefixedHex, unprefixedHexToBytes } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuHasher, type BatchHasher } from '../../src/chain/hasher.js';
import { gpuHasher } from '../../src/gpu/keccak-batch.js';
import { closeTestGpu, testSession } from '../support/gpu.js';
import { orderedTrieRoot } from '../../src/chain/ordered-trie.js';
import { commitTries, EMPTY_TRIE_ROOT, NodeCache, Trie } from '../../src/rollup/trie.js';
import { xorshift32 } from '../support/xorshift.js';

/** The block-at-a-time trie against a trie built from scratch, and read back by @ethereumjs/mpt. */
class MemoryNodes {
  readonly map = new Map<string, Uint8Array>();
  node(hash: Uint8Array) {
    return this.map.get(bytesToUnprefixedHex(hash));
  }
  store(nodes: [Uint8Array, Uint8Array][]) {
    for (const [h, b] of nodes) this.map.set(bytesToUnprefixedHex(h), b);
  }
}

const key = (i: number) => keccak_256(Uint8Array.of(i >> 24, i >> 16, i >> 8, i));
const value = (i: number, round: number) => Uint8Array.from(Buffer.from(`v${i}-${round}`.repeat(1 + (i % 5))));

describe('Trie (one update per block)', () => {
  it('equals a trie built from scratch after rounds of inserts, updates and deletes, read back by @ethereumjs/mpt', async () => {
    const store = new MemoryNodes();
    const r = xorshift32(7);
    const rnd = () => r.below(1_000_000) / 1_000_000;
    const model = new Map<number, Uint8Array>();
    let root: Uint8Array = EMPTY_TRIE_ROOT;
    const cache = new NodeCache(1000);
    for (let round = 0; round < 12; round++) {
      const trie = new Trie(store, root, round % 2 ? cache : undefined);
      const changes = round === 0 ? 1 : 1 + Math.floor(rnd() * 400);
      for (let c = 0; c < changes; c++) {
        const i = Math.floor(rnd() * 600);
        if (rnd() < 0.3 && model.size > 0) {
          model.delete(i);
          trie.put(key(i), undefined);
        } else {
          const v = value(i, round);
          model.set(i, v);
          trie.put(key(i), v);
        }
      }
      const update = trie.commit();
      store.store(update.nodes);
      root = update.root;
      const want = await orderedTrieRoot([...model].map(([i, v]) => ({ key: key(i), value: v })));
      expect(Buffer.from(root).toString('hex'), `round ${round}`).toBe(Buffer.from(want).toString('hex'));
      const reread = new Trie(store, root);
      for (const [i, v] of model) expect(reread.get(key(i))).toEqual(v);
    }
    // @ethereumjs/mpt reads the same store as its own.
    const db = {
      get: async (k: string) => store.map.get(k),
      put: async () => {}, del: async () => {}, batch: async () => {}, shallowCopy: () => db, open: async () => {},
    };
    const mpt = await createMPT({ db: db as never, root, valueEncoding: ValueEncoding.Bytes });
    for (const [i, v] of model) expect(await mpt.get(key(i))).toEqual(v);
    expect(await mpt.get(key(100_000))).toBeNull();
  });

  it('deletes down to the empty trie, and a small root is stored by its hash', () => {
    const store = new MemoryNodes();
    let t = new Trie(store, EMPTY_TRIE_ROOT);
    t.put(key(1), Uint8Array.of(1));
    const one = t.commit();
    store.store(one.nodes);
    expect(one.nodes.map(([h]) => h)).toContainEqual(one.root);
    t = new Trie(store, one.root);
    t.put(key(2), Uint8Array.of(2));
    t.put(key(1), undefined);
    t.put(key(2), undefined);
    expect(t.commit()).toEqual({ root: EMPTY_TRIE_ROOT, nodes: [] });
    expect(unprefixedHexToBytes('56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421')).toEqual(EMPTY_TRIE_ROOT);
  });

  it('commitTries: many tries hashed a height at a time give the roots and nodes commit() gives, on the CPU and on the GPU', async () => {
    const store = new MemoryNodes();
    const r = xorshift32(11);
    const tries = 6;
    let roots: Uint8Array[] = Array.from({ length: tries }, () => EMPTY_TRIE_ROOT);
    let calls = 0;
    const counting: BatchHasher = (inputs) => {
      calls++;
      return cpuHasher(inputs);
    };
    const hashers: [string, BatchHasher][] = [['cpu', counting], ['gpu', gpuHasher(await testSession(), 1)]];
    for (let round = 0; round < 6; round++) {
      // Trie 0 left unchanged; trie 1 emptied in round 3; the others take random changes.
      const changes = roots.map((_, t) => (t === 0 ? [] : Array.from({ length: t === 1 && round === 3 ? 0 : 1 + r.below(300) }, () => [r.below(500), r.below(4)] as const)));
      const apply = (t: Trie, ti: number) => {
        if (ti === 1 && round === 3) for (let i = 0; i < 500; i++) t.put(key(i), undefined);
        for (const [i, op] of changes[ti]) t.put(key(i), op === 0 ? undefined : value(i, round));
      };
      const one = roots.map((root, ti) => {
        const t = new Trie(store, root);
        apply(t, ti);
        return t.commit();
      });
      for (const [name, hash] of hashers) {
        calls = 0;
        const batched = await commitTries(roots.map((root, ti) => {
          const t = new Trie(store, root, new NodeCache(100));
          apply(t, ti);
          return t;
        }), hash);
        // The same nodes, filed by height rather than depth first.
        const sorted = (us: typeof one) => us.map((u) => ({ root: u.root, nodes: u.nodes.map(([h, b]) => bytesToUnprefixedHex(h) + ':' + bytesToUnprefixedHex(b)).sort() }));
        expect(sorted(batched), `${name}, round ${round}`).toEqual(sorted(one));
        if (name === 'cpu' && round > 0) expect(calls).toBeLessThan(one.reduce((n, u) => n + u.nodes.length, 0) / 4);
      }
      for (const u of one) store.store(u.nodes);
      roots = one.map((u) => u.root);
      if (round === 3) expect(roots[1]).toEqual(EMPTY_TRIE_ROOT);
    }
  }, 60_000);
});

afterAll(() => closeTestGpu());
