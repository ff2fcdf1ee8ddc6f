import { createBlockHeader } from '@ethereumjs/block';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeCommon } from '../../src/chain/common.js';
import { describeDifference, resultDifference } from '../../src/engine/compare.js';
import type { ChainBlock } from '../../src/model/chain.js';
import { open as lmdbOpen } from 'lmdb';
import { Chain } from '../../src/rollup/chain.js';
import { numberKey } from '../../src/rollup/records.js';
import { chunkKeys } from '../../src/rollup/chunked.js';
import { parseChainBlock, parseChainInit } from '../../src/wire/chain.js';
import { TOKEN, balanceSlot as erc20BalanceSlot } from '../../bench/workloads/erc20.js';
import { BlockStream, CHAIN_ID, EMPTY_WITH_STORAGE, genesis } from '../support/chain-blocks.js';
import { ReferenceChain } from '../support/chain-replay.js';
import { testRegistry } from '../support/registry.js';

/**
 * The chain without HTTP: blocks applied to the store equal the reference engine run
 * from scratch on the whole state, root included, through replays, conflicts,
 * rollbacks, finalization and reopening the store.
 */
const registry = testRegistry({ runtime: { cpuWorkers: 2 }, overrides: { cpu: { speculateFrom: 1, chunk: 4 }, auto: { speculateFrom: 1, chunk: 4 } } });
const dirs: string[] = [];
afterAll(async () => {
  await registry.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function open(dir?: string): Chain {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'evmgpu-chain-'));
  if (!dir) dirs.push(d);
  return new Chain({ dir: d, rollbackDepth: 8, stateCacheBytes: 1 << 20 }, registry);
}

async function applyAndCheck(chain: Chain, ref: ReferenceChain, b: ChainBlock) {
  const { record, replayed } = await chain.apply(b);
  expect(replayed).toBe(false);
  const want = await ref.apply(b);
  const d = resultDifference(want, record.result);
  if (d) throw new Error(`block ${b.number}: ${describeDifference(d)}`);
  expect(record.stateRoot).toEqual(want.stateRoot);
  ref.hashes.set(b.number, record.hash);
  return record;
}

const ts = (n: bigint) => 1000n + 12n * n;

describe('a chain on disk', () => {
  const init = parseChainInit(genesis());
  const stream = new BlockStream(5);
  const blocks: ChainBlock[] = [];
  const chain = open();
  const ref = new ReferenceChain(init);
  afterAll(() => chain.close());

  it('initialises once: the same genesis again is a no-op, another one a conflict', async () => {
    const { head, created } = await chain.init(init);
    expect(created).toBe(true);
    expect(head.number).toBe(0n);
    expect(head.finalized).toBe(0n);
    ref.hashes.set(0n, head.hash);
    const again = await chain.init(parseChainInit(genesis()));
    expect(again).toEqual({ head, created: false });
    await expect(chain.init(parseChainInit(genesis(0n, 999n)))).rejects.toMatchObject({ code: 'CHAIN_ALREADY_INITIALISED' });
  });

  it('applies blocks whose results and roots equal the reference replay, on several engines', async () => {
    for (let n = 1n; n <= 6n; n++) {
      const b = parseChainBlock(stream.block(n, ts(n)));
      b.options.engine = ['auto', 'cpu', 'gpu'][Number(n) % 3];
      blocks.push(b);
      const r = await applyAndCheck(chain, ref, b);
      expect(r.parentHash).toEqual(ref.hashes.get(n - 1n));
    }
    // The blocks cover what they should: rejections, creations, a deletion with storage.
    const results = [1n, 2n, 3n, 4n, 5n, 6n].map((n) => chain.block(n).result);
    expect(results.some((r) => r.rejected.length > 0)).toBe(true);
    expect(results.some((r) => r.results.some((t) => t.contractAddress !== null))).toBe(true);
    expect(results.some((r) => r.stateDiff.pre[EMPTY_WITH_STORAGE] && !r.stateDiff.post[EMPTY_WITH_STORAGE])).toBe(true);
    // The account with storage that a touch deleted (EIP-161) is gone, slots and all.
    expect(chain.account(EMPTY_WITH_STORAGE, [1n, 2n])).toMatchObject({ balance: 0n, nonce: 0n, storage: { [`0x${'1'.padStart(64, '0')}`]: 0n } });
  }, 300_000);

  it('the hash is keccak of the RLP header with the block fields', () => {
    const r = chain.block(3n);
    const b = blocks[2];
    const header = createBlockHeader(
      {
        parentHash: r.parentHash, coinbase: b.env.coinbase, stateRoot: r.stateRoot, transactionsTrie: r.transactionsRoot, receiptTrie: r.receiptsRoot,
        logsBloom: r.result.logsBloom, number: 3n, gasLimit: b.env.gasLimit, gasUsed: r.result.gasUsed, timestamp: b.env.timestamp,
        mixHash: b.env.prevRandao, baseFeePerGas: b.env.baseFee, blobGasUsed: r.result.blobGasUsed, excessBlobGas: 0n, parentBeaconBlockRoot: new Uint8Array(32),
      },
      { common: makeCommon('Prague', CHAIN_ID), skipConsensusFormatValidation: true },
    );
    expect(header.hash()).toEqual(r.hash);
  });

  it('a re-posted block is replayed from the store; different content, another number or parent is refused', async () => {
    const again = await chain.apply(blocks[2]);
    expect(again.replayed).toBe(true);
    expect(again.record).toEqual(chain.block(3n));
    const other = { ...blocks[2], txs: blocks[2].txs.slice(1) };
    await expect(chain.apply(other)).rejects.toMatchObject({ code: 'BLOCK_CONFLICT' });
    const next = parseChainBlock(stream.clone(99).block(7n, ts(7n)));
    await expect(chain.apply({ ...next, number: 9n })).rejects.toMatchObject({ code: 'BLOCK_OUT_OF_ORDER', message: expect.stringContaining('head is block 6') });
    await expect(chain.apply({ ...next, parentHash: new Uint8Array(32) })).rejects.toMatchObject({ code: 'PARENT_HASH_MISMATCH' });
    await expect(chain.apply({ ...next, env: { ...next.env, timestamp: 1n } })).rejects.toMatchObject({ code: 'TIMESTAMP_DECREASES' });
    await expect(chain.apply({ ...next, env: { ...next.env, number: 8n } })).rejects.toMatchObject({ code: 'BLOCK_NUMBER_MISMATCH' });
    await expect(chain.apply({ ...next, options: { engine: 'reference' } })).rejects.toMatchObject({ code: 'STATE_SOURCE_UNSUPPORTED' });
    expect(chain.head().number).toBe(6n);
  });

  it('reads accounts at the head and at earlier blocks in the window', async () => {
    const sender = Object.keys(genesis().alloc)[0];
    const now = chain.account(sender, []);
    expect(now.nonce).toBe(ref.state.get(sender)?.nonce ?? 0n);
    const balanceSlot = BigInt(erc20BalanceSlot(sender as never));
    const atGenesis = chain.account(sender, [], 0n);
    expect(atGenesis.nonce).toBe(0n);
    expect(atGenesis.balance).toBe(init.alloc.get(sender)!.balance);
    // A slot at the head and at every block of the window, as the reference had it then.
    const key = `0x${balanceSlot.toString(16).padStart(64, '0')}`;
    expect(chain.account(TOKEN, [balanceSlot]).storage[key]).toBe(ref.state.get(TOKEN)!.storage.get(balanceSlot) ?? 0n);
    expect(chain.account(TOKEN, [balanceSlot], 0n).storage[key]).toBe(10n ** 6n);
    expect(() => chain.account(sender, [], 7n)).toThrow(expect.objectContaining({ code: 'BLOCK_NOT_FOUND' }));
  });

  it('rolls back, applies different blocks, and equals a reference replay of the new chain; never below finalized', async () => {
    // The reference as of block 3: replayed again from genesis.
    const ref3 = new ReferenceChain(init);
    ref3.hashes.set(0n, ref.hashes.get(0n)!);
    for (const b of blocks.slice(0, 3)) {
      await ref3.apply(b);
      ref3.hashes.set(b.number, ref.hashes.get(b.number)!);
    }
    const head = await chain.rollback(3n);
    expect(head.number).toBe(3n);
    expect(head.stateRoot).toEqual(chain.block(3n).stateRoot);
    expect(() => chain.block(4n)).toThrow(expect.objectContaining({ code: 'BLOCK_NOT_FOUND' }));
    // The same stream up to block 3, then other blocks.
    const replayed = new BlockStream(5);
    for (let n = 1n; n <= 3n; n++) replayed.block(n, ts(n));
    const alt = replayed.clone(77);
    const altBlocks: ChainBlock[] = [];
    for (let n = 4n; n <= 6n; n++) {
      altBlocks.push(parseChainBlock(alt.block(n, ts(n))));
      const r = await applyAndCheck(chain, ref3, altBlocks.at(-1)!);
      expect(r.hash).not.toEqual(ref.hashes.get(n));
    }
    const six = chain.block(6n);
    await chain.finalize(4n);
    await chain.finalize(2n); // idempotent: below finalized is a no-op
    expect(chain.head().finalized).toBe(4n);
    await expect(chain.rollback(3n)).rejects.toMatchObject({ code: 'ROLLBACK_BELOW_FINALIZED' });
    await expect(chain.finalize(9n)).rejects.toMatchObject({ code: 'BLOCK_NOT_FOUND' });
    expect(() => chain.account(Object.keys(genesis().alloc)[0], [], 3n)).toThrow(expect.objectContaining({ code: 'STATE_NOT_AVAILABLE' }));
    // Back one block and the same block again: run again (it was forgotten), with the same result.
    await chain.rollback(5n);
    const again = await chain.apply(altBlocks[2]);
    expect(again.replayed).toBe(false);
    expect(again.record.hash).toEqual(six.hash);
    expect(resultDifference(six.result, again.record.result)).toBeUndefined();
  }, 300_000);

  it('a store reopened holds the same head and takes the next block', async () => {
    const head = chain.head();
    await chain.close();
    const reopened = open(chain.store.dir);
    try {
      expect(reopened.head()).toEqual(head);
    } finally {
      await reopened.close();
    }
  });
});

type StoreInternals = {
  env: { batch: (fn: () => void) => Promise<unknown> };
  writeQueued: (fn: unknown, o?: { trailing?: [Uint8Array, Uint8Array][] }) => Promise<void>;
};

/** A new chain that has applied block 1 of stream 8, and the reference replay beside it. */
async function afterBlock1(): Promise<{ chain: Chain; ref: ReferenceChain; stream: BlockStream }> {
  const chain = open();
  const init = parseChainInit(genesis());
  const ref = new ReferenceChain(init);
  ref.hashes.set(0n, (await chain.init(init)).head.hash);
  const stream = new BlockStream(8);
  await applyAndCheck(chain, ref, parseChainBlock(stream.block(1n, ts(1n))));
  return { chain, ref, stream };
}

describe('a chain whose store cannot take a block', () => {
  it("answers STORE_FULL when the block's transaction fails, keeps the head and the state as they were, and applies the block once there is room", async () => {
    const { chain, ref, stream } = await afterBlock1();
    const two = parseChainBlock(stream.block(2n, ts(2n)));
    // What LMDB reports when the disk (or its map) is full, once: the transaction writes nothing.
    const store = chain.store as unknown as StoreInternals;
    const real = store.env.batch.bind(store.env);
    let failed = false;
    store.env.batch = (fn) => {
      if (failed) return real(fn);
      failed = true;
      return Promise.reject(new Error('MDB_MAP_FULL: Environment mapsize limit reached'));
    };
    const before = chain.head();
    const sender = Object.keys(genesis().alloc)[0];
    const account = chain.account(sender, []);
    await expect(chain.apply({ ...two, options: { engine: 'cpu' } })).rejects.toMatchObject({ code: 'STORE_FULL', statusCode: 507 });
    expect(failed).toBe(true);
    expect(chain.head()).toEqual(before);
    expect(chain.account(sender, [])).toEqual(account);
    await applyAndCheck(chain, ref, two);
    await chain.close();
  }, 120_000);

  it('applies the block when its trailing trie nodes fail to write; they are served from memory and written with the next write', async () => {
    const { chain, ref, stream } = await afterBlock1();
    const store = chain.store as unknown as StoreInternals;
    const real = store.env.batch.bind(store.env);
    // The block's own transaction goes through; the one after it (its trie nodes) fails once.
    let batches = 0;
    store.env.batch = (fn) => (++batches === 2 ? Promise.reject(new Error('MDB_MAP_FULL: Environment mapsize limit reached')) : real(fn));
    const two = await applyAndCheck(chain, ref, parseChainBlock(stream.block(2n, ts(2n))));
    await new Promise((r) => setTimeout(r, 50));
    expect(batches).toBe(2);
    // Not on disk, still readable.
    const nodes = (chain.store as unknown as { nodes: { doesExist(k: Buffer): boolean } }).nodes;
    expect(nodes.doesExist(Buffer.from(two.stateRoot))).toBe(false);
    expect(chain.store.node(two.stateRoot)).toBeDefined();
    await applyAndCheck(chain, ref, parseChainBlock(stream.block(3n, ts(3n))));
    expect(nodes.doesExist(Buffer.from(two.stateRoot))).toBe(true);
    await chain.close();
    const reopened = open(chain.store.dir);
    expect(await reopened.ready).toEqual({ restoredNodes: 0 });
    await reopened.close();
  }, 120_000);
});

describe('trie nodes a crash left unwritten', () => {
  /** Applies blocks 1-3, keeping block 3's new nodes, then removes them from the closed store (what a kill between the block's commit and theirs leaves). */
  async function crashedAfterBlock3(): Promise<{ dir: string; ref: ReferenceChain; stream: BlockStream; nodes: string[] }> {
    const chain = open();
    const init = parseChainInit(genesis());
    const ref = new ReferenceChain(init);
    ref.hashes.set(0n, (await chain.init(init)).head.hash);
    const stream = new BlockStream(9);
    let trailing: [Uint8Array, Uint8Array][] = [];
    const store = chain.store as unknown as StoreInternals;
    const queued = store.writeQueued.bind(store);
    store.writeQueued = (fn, o) => {
      trailing = o?.trailing ?? [];
      return queued(fn, o);
    };
    for (let n = 1n; n <= 3n; n++) await applyAndCheck(chain, ref, { ...parseChainBlock(stream.block(n, ts(n))), options: { engine: 'cpu' } });
    await chain.close();
    const env = lmdbOpen({ path: chain.store.dir, maxDbs: 16 });
    const table = env.openDB({ name: 'nodes', keyEncoding: 'binary', encoding: 'binary' });
    await env.transaction(() => {
      for (const [h] of trailing) table.removeSync(Buffer.from(h));
    });
    await env.close();
    return { dir: chain.store.dir, ref, stream, nodes: trailing.map(([h, b]) => `${Buffer.from(h).toString('hex')}:${Buffer.from(b).toString('hex')}`).sort() };
  }

  it('are rebuilt from the head\'s reverse diff when the store opens, byte for byte, and the chain goes on', async () => {
    const { dir, ref, stream, nodes } = await crashedAfterBlock3();
    expect(nodes.length).toBeGreaterThan(10);
    const chain = open(dir);
    expect(await chain.ready).toEqual({ restoredNodes: nodes.length });
    for (const entry of nodes) {
      const [h, b] = entry.split(':');
      expect(Buffer.from(chain.store.node(Buffer.from(h, 'hex'))!).toString('hex')).toBe(b);
    }
    await applyAndCheck(chain, ref, parseChainBlock(stream.block(4n, ts(4n))));
    await chain.close();
  }, 120_000);

  it('leave the chain refusing changes, with the reason, when the head\'s reverse diff is gone too', async () => {
    const { dir, stream } = await crashedAfterBlock3();
    const env = lmdbOpen({ path: dir, maxDbs: 16 });
    const undo = env.openDB<Buffer, Buffer>({ name: 'undo', keyEncoding: 'binary', encoding: 'binary' });
    const keys = chunkKeys(undo, numberKey(3n));
    expect(keys.length).toBeGreaterThan(0);
    await env.transaction(() => {
      for (const k of keys) undo.removeSync(k);
    });
    await env.close();
    const chain = open(dir);
    await expect(chain.ready).rejects.toThrow(/state trie of head block 3 is missing and cannot be rebuilt/);
    await expect(chain.apply(parseChainBlock(stream.block(4n, ts(4n))))).rejects.toThrow(/cannot be rebuilt/);
    expect(chain.head().number).toBe(3n);
    await chain.close();
  }, 120_000);
});

describe('reads while a block commits on lmdb\'s write thread', () => {
  it('see the whole block once its transaction is visible, never memory that lags the store', async () => {
    const chain = open();
    const init = parseChainInit(genesis());
    await chain.init(init);
    const stream = new BlockStream(8);
    await chain.apply(parseChainBlock(stream.block(1n, ts(1n))));
    const senders = Object.keys(genesis().alloc);
    // Block 1 left the senders' records in memory; block 2 changes them.
    const before = senders.map((a) => chain.account(a, []));
    const store = chain.store as unknown as { env: { batch: (fn: () => void) => Promise<unknown> } };
    const real = store.env.batch.bind(store.env);
    let seen: unknown[] = [];
    store.env.batch = async (fn) => {
      const r = await real(fn);
      // Committed and visible; the chain has not yet laid the block over its memory.
      seen = senders.map((a) => chain.account(a, []));
      return r;
    };
    await chain.apply(parseChainBlock(stream.block(2n, ts(2n))));
    const after = senders.map((a) => chain.account(a, []));
    expect(after).not.toEqual(before);
    expect(seen).toEqual(after);
    await chain.close();
  }, 120_000);
});

describe('ChainStore.writeQueued', () => {
  it('commits the batch, and runs `committed`, even when `meanwhile` throws; the error comes after', async () => {
    const chain = open();
    await chain.init(parseChainInit(genesis()));
    const store = chain.store;
    let committed = false;
    expect(store.finalized()).toBe(0n);
    // A store-level write (the chain never finalizes past its head).
    const write = store.writeQueued((w) => w.finalized(7n), {
      committed: () => (committed = true),
      meanwhile: () => {
        throw new Error('learning failed');
      },
    });
    await expect(write).rejects.toThrow('learning failed');
    expect(committed).toBe(true);
    expect(store.finalized()).toBe(7n);
    await chain.close();
  });
});
