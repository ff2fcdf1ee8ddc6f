import { keccak256 } from '../primitives/keccak.js';
import { logsHash } from '../chain/roots.js';
import type { Fork } from '../model/fork.js';
import type { Account, BatchResult, BlockEnv } from '../model/shapes.js';
import { blockHeader } from './header.js';
import { accountLeaf, addressKey, slotBytes, slotLeaf, type AccountRecord } from './records.js';
import type { BlockRecord, ChainStore, HeaderRecord, StoreWriter } from './store.js';
import { EMPTY_TRIE_ROOT, Trie } from './trie.js';
import { codeHash as codeHashOf } from '../primitives/code-hash.js';

/**
 * The genesis: an empty store becomes block `env.number`, whose state is the alloc and
 * whose state root is the alloc's. A large alloc (the benchmark's million accounts) is
 * written in several transactions, with its tries built from keys in hashed order, a
 * chunk at a time, so each node is hashed about once; the head goes in last (the store
 * discards a genesis without one when it opens).
 */
export interface GenesisSpec {
  fork: Fork;
  chainId: bigint;
  env: BlockEnv;
  digest: Uint8Array;
}

/** Accounts (or slots) per write transaction and per trie chunk. */
const CHUNK = 50_000;

export async function writeGenesis(store: ChainStore, g: GenesisSpec, alloc: Iterable<[string, Account]>): Promise<HeaderRecord> {
  const leaves: [Uint8Array, Uint8Array][] = [];
  let pending: [string, Account][] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    const storageRoots: TrieBuilt[] = [];
    for (const [, a] of batch) storageRoots.push(await storageTrie(store, a.storage));
    await store.write((w) => {
      batch.forEach(([addr, a], i) => {
        const key = addressKey(addr);
        const codeHash = codeHashOf(a.code);
        if (a.code.length > 0) w.code(codeHash, a.code);
        let slots = 0;
        for (const [slot, v] of a.storage) {
          if (v === 0n) continue;
          w.slot(key, slot, v);
          slots++;
        }
        for (const [h, b] of storageRoots[i].nodes) w.node(h, b);
        const record: AccountRecord = { nonce: a.nonce, balance: a.balance, codeHash, storageRoot: storageRoots[i].root, slots };
        w.account(key, record);
        leaves.push([keccak256(key), accountLeaf(record)]);
      });
    });
  };
  for (const entry of alloc) {
    pending.push(entry);
    if (pending.length >= CHUNK) await flush();
  }
  await flush();
  const root = await buildTrie(store, leaves);

  const header: HeaderRecord = { number: g.env.number, hash: new Uint8Array(32), parentHash: new Uint8Array(32), stateRoot: root, timestamp: g.env.timestamp };
  const full = blockHeader(g.fork, g.env, {
    parentHash: header.parentHash, stateRoot: root, transactionsRoot: EMPTY_TRIE_ROOT, receiptsRoot: EMPTY_TRIE_ROOT, logsBloom: new Uint8Array(256), gasUsed: 0n, blobGasUsed: 0n,
  });
  header.hash = full.hash();
  const record: BlockRecord = {
    number: header.number, hash: header.hash, parentHash: header.parentHash, stateRoot: root,
    transactionsRoot: EMPTY_TRIE_ROOT, receiptsRoot: EMPTY_TRIE_ROOT, digest: g.digest, result: emptyResult(root),
    header: full.serialize(), txs: [], txHashes: [],
  };
  await store.write((w: StoreWriter) => {
    w.header(header);
    w.block(record);
    w.genesis({ number: header.number, fork: g.fork, chainId: g.chainId, digest: g.digest });
    w.finalized(header.number);
    w.head(header.number);
  });
  return header;
}

interface TrieBuilt {
  root: Uint8Array;
  /** Nodes still to write (a large trie's are written as it is built). */
  nodes: [Uint8Array, Uint8Array][];
}

/** A storage trie from scratch. */
async function storageTrie(store: ChainStore, storage: Map<bigint, bigint>): Promise<TrieBuilt> {
  const leaves: [Uint8Array, Uint8Array][] = [];
  for (const [slot, v] of storage) if (v !== 0n) leaves.push([keccak256(slotBytes(slot)), slotLeaf(v)]);
  if (leaves.length > CHUNK) return { root: await buildTrie(store, leaves), nodes: [] };
  const trie = new Trie(store, EMPTY_TRIE_ROOT);
  for (const [k, v] of leaves) trie.put(k, v);
  return trie.commit();
}

/** A trie from its leaves: sorted by key, a chunk per update, so a chunk only revisits the path its predecessor ended on. */
async function buildTrie(store: ChainStore, leaves: [Uint8Array, Uint8Array][]): Promise<Uint8Array> {
  leaves.sort(([a], [b]) => Buffer.compare(a, b));
  let root: Uint8Array = EMPTY_TRIE_ROOT;
  for (let i = 0; i < leaves.length; i += CHUNK) {
    const trie = new Trie(store, root);
    for (const [k, v] of leaves.slice(i, i + CHUNK)) trie.put(k, v);
    const u = trie.commit();
    await store.write((w) => {
      for (const [h, b] of u.nodes) w.node(h, b);
    });
    root = u.root;
  }
  return root;
}

function emptyResult(stateRoot: Uint8Array): BatchResult {
  return {
    results: [], rejected: [], stateDiff: { pre: {}, post: {} }, stateRoot, receiptsRoot: EMPTY_TRIE_ROOT,
    logsBloom: new Uint8Array(256), logsHash: logsHash([]), gasUsed: 0n, blobGasUsed: 0n,
    stats: { engine: 'genesis', mode: 'sequential', txs: 0, included: 0, rejected: 0, engines: {}, timingsMs: {} },
  };
}
