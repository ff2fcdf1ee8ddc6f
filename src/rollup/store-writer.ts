import { RLP } from '@ethereumjs/rlp';
import { serialize } from '../primitives/serialize.js';
import type { BatchResult, TxInput } from '../model/shapes.js';
import { bigintToMinimalBytes } from '../primitives/hex.js';
import { chunkKeys, chunks, type Bin } from './chunked.js';
import { encodeAccount, encodeReverseDiff, numberKey, storageKey, type AccountRecord, type ReverseDiff } from './records.js';

/**
 * The records the chain keeps beside its state, and the writes of one transaction over
 * the store's tables (store.ts opens them; records.ts lays out their keys).
 */
export interface HeaderRecord {
  number: bigint;
  hash: Uint8Array;
  parentHash: Uint8Array;
  stateRoot: Uint8Array;
  timestamp: bigint;
}

/** A block as applied: what GET /v1/chain/blocks/{number} and a replayed POST return. */
export interface BlockRecord {
  number: bigint;
  hash: Uint8Array;
  parentHash: Uint8Array;
  stateRoot: Uint8Array;
  transactionsRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  /** keccak of the request's content (env and transactions): a re-post with the same digest is a replay. */
  digest: Uint8Array;
  result: BatchResult;
  /** The header's RLP (blocks applied before it was kept lack it). */
  header?: Uint8Array;
  /** The included transactions, in block order, and their hashes (the keccak of the encoding the transactions root holds). */
  txs?: TxInput[];
  txHashes?: Uint8Array[];
}

/** What the chain was initialised with: the same genesis again is a no-op, another one a conflict. */
export interface GenesisRecord {
  number: bigint;
  fork: string;
  chainId: bigint;
  digest: Uint8Array;
}

export type { Bin };

/** The store's tables. */
export interface Tables {
  accounts: Bin;
  storage: Bin;
  codes: Bin;
  nodes: Bin;
  headers: Bin;
  blocks: Bin;
  undos: Bin;
  index: Bin;
}

/** How a writer writes: at once inside a transaction, or queued for lmdb's write thread. */
export interface WriteOps {
  /** `append`: the key is past every key of `db` (LMDB's MDB_APPEND, which fills pages instead of splitting them in half). */
  put(db: Bin, key: Uint8Array, value: Uint8Array, append?: boolean): unknown;
  del(db: Bin, key: Uint8Array): unknown;
  meta(key: string, value: string): unknown;
}

export const BLOCK_TAG = Buffer.from('b');
export const TX_TAG = Buffer.from('t');

/** The writes of one transaction; each is applied at once, inside it. */
export interface StoreWriter {
  account(addr: Uint8Array, record: AccountRecord | undefined): void;
  slot(addr: Uint8Array, slot: bigint, value: bigint): void;
  code(hash: Uint8Array, code: Uint8Array): void;
  node(hash: Uint8Array, bytes: Uint8Array): void;
  header(h: HeaderRecord): void;
  block(b: BlockRecord): void;
  undo(n: bigint, diff: ReverseDiff): void;
  /** Removes block `n`: its header, record and reverse diff. */
  dropBlock(n: bigint): void;
  /** Removes the reverse diff of block `n`. */
  dropUndo(n: bigint): void;
  head(n: bigint): void;
  finalized(n: bigint): void;
  genesis(g: GenesisRecord): void;
}

function lastKey(db: Bin): Buffer | undefined {
  for (const k of db.getKeys({ reverse: true, limit: 1 })) return Buffer.from(k);
  return undefined;
}

/** A StoreWriter over `t` through `o`; `block` reads a stored block (dropping one removes its index entries). */
export function storeWriter(t: Tables, o: WriteOps, block: (n: bigint) => BlockRecord | undefined): StoreWriter {
  // Block records and reverse diffs are large: kept in leaf-sized pieces (chunked.ts).
  const drop = (db: Bin, key: Uint8Array) => {
    for (const k of chunkKeys(db, key)) o.del(db, k);
  };
  const putLarge = (db: Bin, key: Uint8Array, value: Uint8Array) => {
    drop(db, key);
    // A new block's pieces sort after every key there (blocks and reverse diffs are written
    // in order, a rollback drops those above): appended, they fill leaf pages two pieces
    // apiece, where a split in the middle left one, doubling the store's growth.
    const last = lastKey(db);
    const append = !last || Buffer.compare(last, Buffer.from(key)) < 0;
    for (const [k, v] of chunks(key, value)) o.put(db, k, v, append);
  };
  return {
    account: (addr, r) => (r ? o.put(t.accounts, addr, encodeAccount(r)) : o.del(t.accounts, addr)),
    slot: (addr, slot, v) => (v === 0n ? o.del(t.storage, storageKey(addr, slot)) : o.put(t.storage, storageKey(addr, slot), bigintToMinimalBytes(v))),
    code: (hash, code) => {
      if (!t.codes.doesExist(Buffer.from(hash))) o.put(t.codes, hash, code);
    },
    node: (hash, bytes) => o.put(t.nodes, hash, bytes),
    header: (h) => o.put(t.headers, numberKey(h.number), RLP.encode([bigintToMinimalBytes(h.number), h.hash, h.parentHash, h.stateRoot, bigintToMinimalBytes(h.timestamp)])),
    block: (b) => {
      putLarge(t.blocks, numberKey(b.number), serialize(b));
      o.put(t.index, Buffer.concat([BLOCK_TAG, b.hash]), numberKey(b.number));
      b.txHashes?.forEach((h, i) => {
        const at = Buffer.alloc(12);
        at.set(numberKey(b.number));
        at.writeUInt32BE(i, 8);
        o.put(t.index, Buffer.concat([TX_TAG, h]), at);
      });
    },
    undo: (n, diff) => putLarge(t.undos, numberKey(n), encodeReverseDiff(diff)),
    dropBlock: (n) => {
      const b = block(n);
      if (b) {
        o.del(t.index, Buffer.concat([BLOCK_TAG, b.hash]));
        for (const h of b.txHashes ?? []) o.del(t.index, Buffer.concat([TX_TAG, h]));
      }
      o.del(t.headers, numberKey(n));
      drop(t.blocks, numberKey(n));
      drop(t.undos, numberKey(n));
    },
    dropUndo: (n) => drop(t.undos, numberKey(n)),
    head: (n) => o.meta('head', n.toString()),
    finalized: (n) => o.meta('finalized', n.toString()),
    genesis: (g) => o.meta('genesis', JSON.stringify({ number: g.number.toString(), fork: g.fork, chainId: g.chainId.toString(), digest: Buffer.from(g.digest).toString('hex') })),
  };
}
