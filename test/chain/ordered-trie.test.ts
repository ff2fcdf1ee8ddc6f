import { MerklePatriciaTrie } from '@ethereumjs/mpt';
import { describe, expect, it } from 'vitest';
import { EMPTY_TRIE_ROOT, orderedTrieRoot } from '../../src/chain/ordered-trie.js';
import { xorshift32 } from '../support/xorshift.js';

/** The one-pass root must equal @ethereumjs/mpt's root after putting the same entries one by one. */
async function mptRoot(entries: { key: Uint8Array; value: Uint8Array }[]): Promise<Uint8Array> {
  const trie = new MerklePatriciaTrie();
  for (const e of entries) await trie.put(e.key, e.value);
  return trie.root();
}

function randomEntries(seed: number, n: number, keyLen: number, valueLen: () => number) {
  const next = xorshift32(seed).next;
  const byte = () => next() & 255;
  const seen = new Set<string>();
  const out: { key: Uint8Array; value: Uint8Array }[] = [];
  while (out.length < n) {
    const key = Uint8Array.from({ length: keyLen }, byte);
    // Shared prefixes make extension nodes: copy a prefix of an earlier key now and then.
    if (out.length > 0 && next() % 3 === 0) key.set(out[next() % out.length].key.subarray(0, 1 + (next() % (keyLen - 1))));
    const k = Buffer.from(key).toString('hex');
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ key, value: Uint8Array.from({ length: valueLen() }, () => 1 + (byte() % 255)) });
  }
  return out;
}

describe('orderedTrieRoot', () => {
  it('equals @ethereumjs/mpt on keys that branch at every nibble (about as many branches and extensions as keys can make)', async () => {
    // Key j has nibble f at position `step * j` and zeros elsewhere, and one key is all zeros:
    // a branch at every `step` nibbles, so about n branches (step 1), or n branches and
    // n extensions (step 2), near the bound the columns are sized for (random keys make
    // 0.37 branches an entry).
    for (const step of [1, 2]) {
      const entries = [{ key: new Uint8Array(32), value: Uint8Array.of(1) }];
      for (let j = 0; step * j < 64; j++) {
        const key = new Uint8Array(32);
        const at = step * j;
        key[at >> 1] = at & 1 ? 0x0f : 0xf0;
        entries.push({ key, value: Uint8Array.of(2 + j) });
      }
      expect(Buffer.from(await orderedTrieRoot(entries)).toString('hex'), `step ${step}`).toBe(Buffer.from(await mptRoot(entries)).toString('hex'));
    }
  });

  it('is the empty root for no entries', async () => {
    expect(Buffer.from(await orderedTrieRoot([]))).toEqual(Buffer.from(await mptRoot([])));
    expect(Buffer.from(EMPTY_TRIE_ROOT).toString('hex')).toBe('56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421');
  });

  for (const [seed, n, keyLen] of [[1, 1, 32], [2, 2, 32], [3, 17, 32], [4, 300, 32], [5, 1000, 32], [6, 50, 3], [7, 200, 2], [8, 40, 60]] as const) {
    it(`equals @ethereumjs/mpt: seed ${seed}, ${n} entries, ${keyLen}-byte keys, small and large values`, async () => {
      let flip = 0;
      const entries = randomEntries(seed, n, keyLen, () => (flip++ % 2 ? 1 + (flip % 5) : 40 + (flip % 80)));
      expect(Buffer.from(await orderedTrieRoot(entries)).toString('hex')).toBe(Buffer.from(await mptRoot(entries)).toString('hex'));
    });
  }

  it('gives the same root for values the trie writes itself (WrittenValue) as for the same bytes', async () => {
    let flip = 0;
    const entries = randomEntries(10, 300, 32, () => 2 + (flip++ % 90));
    const written = entries.map((e) => ({ key: e.key, value: { length: e.value.length, write: (out: Uint8Array, o: number) => out.set(e.value, o) } }));
    expect(Buffer.from(await orderedTrieRoot(written, undefined, 500)).toString('hex')).toBe(Buffer.from(await mptRoot(entries)).toString('hex'));
  });

  // A height is hashed in runs of at most `runBytes`, two buffers taking turns: runs of one node, of a few, and a node larger than a run.
  it('gives the same root when every height is hashed in many small runs', async () => {
    let flip = 0;
    const entries = randomEntries(9, 700, 32, () => (flip++ % 3 ? 1 + (flip % 5) : flip % 50 === 0 ? 3000 : 40 + (flip % 80)));
    const want = Buffer.from(await mptRoot(entries)).toString('hex');
    for (const runBytes of [4, 100, 1000, 50_000]) expect(Buffer.from(await orderedTrieRoot(entries, undefined, runBytes)).toString('hex'), `runs of ${runBytes} bytes`).toBe(want);
  });
});

describe('orderedTrieRoot with RLP-encoded indices as keys (receipts, transactions)', () => {
  for (const n of [1, 2, 16, 127, 128, 129, 300, 1000]) {
    it(`equals @ethereumjs/mpt for ${n} entries`, async () => {
      const { RLP } = await import('@ethereumjs/rlp');
      const entries = Array.from({ length: n }, (_, i) => ({ key: RLP.encode(i), value: Uint8Array.from({ length: 1 + (i % 70) }, (_, j) => (i + j) & 255 || 1) }));
      expect(Buffer.from(await orderedTrieRoot(entries)).toString('hex')).toBe(Buffer.from(await mptRoot(entries)).toString('hex'));
    });
  }

  it('refuses a repeated key or a key that starts another, where it would loop for ever', async () => {
    const v = Uint8Array.of(1);
    const k = Uint8Array.of(0x12, 0x34);
    await expect(orderedTrieRoot([{ key: k, value: v }, { key: k.slice(), value: v }])).rejects.toThrow(/prefix-free/);
    await expect(orderedTrieRoot([{ key: Uint8Array.of(0x12), value: v }, { key: k, value: v }, { key: Uint8Array.of(0x99), value: v }])).rejects.toThrow(/prefix-free/);
  });
});
