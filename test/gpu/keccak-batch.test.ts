import { keccak_256 } from '@noble/hashes/sha3.js';
import { MerklePatriciaTrie } from '@ethereumjs/mpt';
import { afterAll, describe, expect, it } from 'vitest';
import { orderedTrieRoot } from '../../src/chain/ordered-trie.js';
import { BloomBatch } from '../../src/chain/bloom-batch.js';
import { Bloom } from '@ethereumjs/vm';
import { closeTestGpu, testSession } from '../support/gpu.js';
import { gpuHasher, hashOnGpu, hashSpansOnGpu } from '../../src/gpu/keccak-batch.js';
import { hashSpansOnCpu } from '../../src/chain/hasher.js';
import { xorshift32 } from '../support/xorshift.js';

afterAll(() => closeTestGpu());
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('GPU batch keccak (shaders/keccak/sponge.wgsl)', () => {
  it('equals @noble/hashes for every length 0..400, packed back to back', async () => {
    const r = xorshift32(11);
    const inputs = Array.from({ length: 401 }, (_, n) => r.bytes(n));
    const got = await gpuHasher(await testSession(), 1)(inputs);
    expect(got.map(hex)).toEqual(inputs.map((x) => hex(keccak_256(x))));
  }, 120_000);

  // gpuHasher falls back to the CPU on any error, with the same digests: this calls the GPU path itself.
  it('hashes 150,000 inputs in one call on the GPU (more than V8 takes as spread arguments)', async () => {
    const inputs = Array.from({ length: 150_000 }, (_, i) => Uint8Array.of(i & 255, (i >> 8) & 255, i >> 16));
    const got = await hashOnGpu(await testSession(), inputs);
    expect(got.length).toBe(inputs.length);
    for (const i of [0, 1, 65_535, 120_001, 149_999]) expect(hex(got[i])).toBe(hex(keccak_256(inputs[i])));
  }, 120_000);

  it('hashes spans of one buffer as the CPU does: empty spans, shared bytes, a last span ending mid-word', async () => {
    const r = xorshift32(14);
    const data = r.bytes(4_003);
    const spans: number[] = [0, 0, 0, 4_003, 4_000, 3, 8, 136, 8, 135, 12, 137];
    for (let i = 0; i < 300; i++) {
      const start = 4 * r.below(1_000);
      spans.push(start, r.below(data.length - start + 1));
    }
    const s = Uint32Array.from(spans);
    const want = hex(hashSpansOnCpu(data, s));
    expect(hex(await hashSpansOnGpu(await testSession(), data, s))).toBe(want);
    expect(hex(await gpuHasher(await testSession(), 1).spans!(data, s))).toBe(want);
    expect(hex(hashSpansOnCpu(data, s).subarray(32, 64))).toBe(hex(keccak_256(data)));
  }, 120_000);

  // A trie hashes every height into one digest array: each call writes its own part of it, and nothing else.
  it("writes the digests into the caller's array when given one, on the GPU and on the CPU", async () => {
    const r = xorshift32(16);
    const data = r.bytes(2_000);
    const spans = new Uint32Array(2 * 40);
    for (let j = 0; j < 40; j++) [spans[2 * j], spans[2 * j + 1]] = [48 * j, 1 + r.below(Math.min(200, data.length - 48 * j))];
    const want = hex(hashSpansOnCpu(data, spans));
    const session = await testSession();
    for (const hash of [(o: Uint8Array) => hashSpansOnGpu(session, data, spans, o), async (o: Uint8Array) => hashSpansOnCpu(data, spans, o)]) {
      const all = new Uint8Array(32 * 50).fill(0xee);
      const into = all.subarray(32 * 5, 32 * 45);
      expect(await hash(into)).toBe(into);
      expect(hex(into)).toBe(want);
      expect([...all.subarray(0, 32 * 5), ...all.subarray(32 * 45)].every((b) => b === 0xee)).toBe(true);
    }
  }, 120_000);

  // The session keeps the hasher's buffers: a smaller call after a larger one binds only its own
  // part of them (the kernel counts spans by the binding's length), and calls at once take turns.
  it('hashes right when its buffers are reused: smaller after larger, larger again, and calls at once', async () => {
    const session = await testSession();
    const r = xorshift32(15);
    const call = (n: number) => {
      const data = r.bytes(96 * n);
      const spans = new Uint32Array(2 * n);
      for (let j = 0; j < n; j++) [spans[2 * j], spans[2 * j + 1]] = [96 * j, 1 + r.below(95)];
      return { data, spans, want: hex(hashSpansOnCpu(data, spans)) };
    };
    for (const n of [3_000, 7, 600, 5_000]) {
      const c = call(n);
      expect(hex(await hashSpansOnGpu(session, c.data, c.spans)), `${n} spans`).toBe(c.want);
    }
    const together = [call(2_000), call(9), call(4_500)];
    const got = await Promise.all(together.map((c) => hashSpansOnGpu(session, c.data, c.spans)));
    expect(got.map(hex)).toEqual(together.map((c) => c.want));
  }, 120_000);

  it('roots a 2,000-entry trie like @ethereumjs/mpt, hashing each level on the GPU', async () => {
    const r = xorshift32(12);
    const entries = Array.from({ length: 2000 }, () => ({ key: r.bytes(32), value: r.bytes(1 + r.below(90)) }));
    const trie = new MerklePatriciaTrie();
    for (const e of entries) await trie.put(e.key, e.value);
    expect(hex(await orderedTrieRoot(entries, gpuHasher(await testSession(), 1)))).toBe(hex(trie.root()));
    // In runs of about 40 nodes: each run's dispatch is in flight while the next run is written.
    expect(hex(await orderedTrieRoot(entries, gpuHasher(await testSession(), 1), 4096))).toBe(hex(trie.root()));
  }, 120_000);

  it('fills log blooms as ethereumjs Bloom does', async () => {
    const r = xorshift32(13);
    const batch = new BloomBatch();
    const cases = Array.from({ length: 50 }, () => Array.from({ length: r.below(4) }, () => [r.bytes(20), Array.from({ length: r.below(5) }, () => r.bytes(32)), r.bytes(3)] as [Uint8Array, Uint8Array[], Uint8Array]));
    const blooms = cases.map((logs) => batch.defer(logs));
    await batch.fill(gpuHasher(await testSession(), 1));
    cases.forEach((logs, i) => {
      const want = new Bloom();
      for (const [a, topics] of logs) {
        want.add(a);
        for (const t of topics) want.add(t);
      }
      expect(hex(blooms[i])).toBe(hex(want.bitvector));
    });
  }, 120_000);
});
