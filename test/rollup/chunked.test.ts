import { open, type Database } from 'lmdb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Chain } from '../../src/rollup/chain.js';
import { CHUNK_BYTES, chunkKeys, chunks, hasChunked, readChunked } from '../../src/rollup/chunked.js';
import { numberKey } from '../../src/rollup/records.js';
import { parseChainBlock } from '../../src/wire/chain.js';
import { cpuChain } from '../support/cpu-chain.js';
import { testRegistry } from '../support/registry.js';

/**
 * Large values kept in leaf-sized pieces (src/rollup/chunked.ts): every length round-trips,
 * neighbouring keys stay apart, and a store that kept block records and reverse diffs whole
 * is read, rolled back and pruned as before.
 */
const registry = testRegistry({ runtime: { cpuWorkers: 1 }, openGpu: () => Promise.reject(new Error('no GPU in this test')) });
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'evmgpu-chunked-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  await registry.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Bin = Database<Uint8Array, Buffer>;
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('chunked values', () => {
  it('round-trip at every length around a piece, apart from their neighbours', async () => {
    const env = open({ path: tempDir(), maxDbs: 4 });
    const db: Bin = env.openDB({ name: 't', keyEncoding: 'binary', encoding: 'binary' });
    const lengths = [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES, 1_000_003];
    await env.transaction(() => {
      lengths.forEach((len, n) => {
        for (const [k, v] of chunks(numberKey(BigInt(n)), bytes(len, n))) db.putSync(k, v);
      });
    });
    lengths.forEach((len, n) => {
      const key = numberKey(BigInt(n));
      expect(hasChunked(db, key)).toBe(true);
      expect(new Uint8Array(readChunked(db, key)!)).toEqual(bytes(len, n));
      expect(chunkKeys(db, key)).toHaveLength(Math.max(1, Math.ceil(len / CHUNK_BYTES)));
      for (const [, v] of chunks(key, bytes(len, n))) expect(v.length).toBeLessThanOrEqual(CHUNK_BYTES);
    });
    // The older whole form, under the key itself, reads the same way.
    await env.transaction(() => db.putSync(Buffer.from(numberKey(100n)), Buffer.from(bytes(5000, 7))));
    expect(new Uint8Array(readChunked(db, numberKey(100n))!)).toEqual(bytes(5000, 7));
    expect(chunkKeys(db, numberKey(100n))).toEqual([Buffer.from(numberKey(100n))]);
    // Removing one value's keys leaves the next one whole.
    await env.transaction(() => {
      for (const k of chunkKeys(db, numberKey(5n))) db.removeSync(k);
    });
    expect(readChunked(db, numberKey(5n))).toBeUndefined();
    expect(hasChunked(db, numberKey(5n))).toBe(false);
    expect(new Uint8Array(readChunked(db, numberKey(6n))!)).toEqual(bytes(1_000_003, 6));
    await env.close();
  });

  it('leave a store with whole block records and reverse diffs readable, and roll it back', async () => {
    const dir = tempDir();
    const built = await cpuChain(dir, registry);
    let chain = built.chain;
    const stream = built.stream;
    const records = [0n, 1n, 2n, 3n, 4n].map((n) => chain.block(n));
    const undos = [1n, 2n, 3n, 4n].map((n) => chain.store.undo(n));
    await chain.close();

    // Rewrite every record and reverse diff in the whole form an older release wrote.
    const env = open({ path: dir, maxDbs: 16 });
    for (const name of ['blocks', 'undo']) {
      const db: Bin = env.openDB({ name, keyEncoding: 'binary', encoding: 'binary' });
      const whole = new Map<string, Buffer>();
      for (const { key } of db.getRange({})) {
        const k8 = (key as Buffer).subarray(0, 8);
        whole.set(k8.toString('hex'), readChunked(db, k8)!);
      }
      expect(whole.size).toBeGreaterThan(0);
      await env.transaction(() => {
        db.clearSync();
        for (const [k, v] of whole) db.putSync(Buffer.from(k, 'hex'), v);
      });
      for (const k of whole.keys()) expect(chunkKeys(db, Buffer.from(k, 'hex'))).toHaveLength(1);
    }
    await env.close();

    chain = new Chain({ dir, rollbackDepth: 8, stateCacheBytes: 1 << 20 }, registry);
    for (const r of records) expect(chain.block(r.number)).toEqual(r);
    [1n, 2n, 3n, 4n].forEach((n, i) => expect(chain.store.undo(n)).toEqual(undos[i]));
    const atTwo = records[2];
    await chain.rollback(2n);
    expect(chain.head()).toMatchObject({ number: 2n, hash: atTwo.hash, stateRoot: atTwo.stateRoot });
    expect(chain.store.undo(3n)).toBeUndefined();
    expect(() => chain.block(3n)).toThrow(expect.objectContaining({ code: 'BLOCK_NOT_FOUND' }));
    // The next block is written in pieces over the dropped whole one, and reads back.
    const b = parseChainBlock(stream.block(3n, 1000n + 12n * 3n));
    b.options.engine = 'cpu';
    const { record } = await chain.apply(b);
    // (The answer's stats gain the commit's time after the record is written.)
    const stored = chain.block(3n);
    expect({ ...stored, result: { ...stored.result, stats: undefined } }).toEqual({ ...record, result: { ...record.result, stats: undefined } });
    await chain.close();
  }, 120_000);
});
