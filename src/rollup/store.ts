import { RLP } from '@ethereumjs/rlp';
import { open, type Database, type PutOptions, type RootDatabase } from 'lmdb';
import { deserialize } from 'node:v8';
import { ServiceError } from '../errors/service-error.js';
import { HashMap } from '../primitives/hash-map.js';
import { bytesToBigint } from '../primitives/hex.js';
import {
  decodeAccount, decodeReverseDiff, keyNumber, numberKey, storageKey, type AccountRecord, type ReverseDiff,
} from './records.js';
import { hasChunked, readChunked } from './chunked.js';
import { lock, unlock } from './store-lock.js';
import { BLOCK_TAG, TX_TAG, storeWriter, type Bin, type BlockRecord, type GenesisRecord, type HeaderRecord, type StoreWriter, type Tables, type WriteOps } from './store-writer.js';
import { storedDiff } from '../chain/stored-diff.js';
import type { NodeReader } from './trie.js';

/**
 * The chain on disk: one LMDB environment (embedded, copy-on-write, a crash cannot
 * corrupt it) holding the state, the trie nodes, the blocks and the head, in the tables
 * records.ts lists. Every change is one write transaction, committed and flushed to disk
 * before `write` returns: a block's state, record, reverse diff and the new head move
 * together or not at all. Its trie nodes (content-addressed, never deleted) follow in a
 * transaction of their own once the block is durable (writeQueued: `trailing`), and are
 * served from memory until then; the next write waits for them (settle), so a crash
 * leaves at most the head's nodes unwritten, and restore-nodes.ts rebuilds those from
 * the head's reverse diff when the store opens. Reads are synchronous, through the
 * memory map.
 */
export type { BlockRecord, GenesisRecord, HeaderRecord, StoreWriter } from './store-writer.js';

type AppendingPut = (key: Buffer, value: Uint8Array, options: PutOptions) => Promise<boolean>;

export class ChainStore implements NodeReader {
  private readonly env: RootDatabase;
  private readonly accounts: Bin;
  private readonly storage: Bin;
  private readonly codes: Bin;
  private readonly nodes: Bin;
  private readonly headers: Bin;
  private readonly blocks: Bin;
  private readonly undos: Bin;
  /** 'b' . block hash -> number (8); 't' . transaction hash -> number (8) . position (4). */
  private readonly index: Bin;
  private readonly meta: Database<string, string>;
  /** Trie nodes of the last block, by hash, until their own transaction commits. */
  private readonly trailing = new HashMap<Uint8Array>();
  private trailingWrite: Promise<void> = Promise.resolve();
  private readonly tables: Tables;

  constructor(readonly dir: string) {
    lock(dir);
    this.env = open({ path: dir, maxDbs: 16 });
    const bin = (name: string): Bin => this.env.openDB({ name, keyEncoding: 'binary', encoding: 'binary' });
    this.accounts = bin('accounts');
    this.storage = bin('storage');
    this.codes = bin('code');
    this.nodes = bin('nodes');
    this.headers = bin('headers');
    this.blocks = bin('blocks');
    this.undos = bin('undo');
    this.index = bin('index');
    this.meta = this.env.openDB({ name: 'meta', encoding: 'string' });
    this.tables = { accounts: this.accounts, storage: this.storage, codes: this.codes, nodes: this.nodes, headers: this.headers, blocks: this.blocks, undos: this.undos, index: this.index };
    this.discardUnfinishedGenesis();
    this.indexOlderBlocks();
  }

  /** A genesis too large for one transaction is written in several, its head last: without a head, whatever is there is a genesis cut short. */
  private discardUnfinishedGenesis(): void {
    if (this.meta.get('head') !== undefined) return;
    if (this.accounts.getKeysCount({ limit: 1 }) === 0 && this.nodes.getKeysCount({ limit: 1 }) === 0) return;
    this.env.transactionSync(() => {
      for (const db of [this.accounts, this.storage, this.codes, this.nodes, this.headers, this.blocks, this.undos, this.index]) db.clearSync();
    });
  }

  async close(): Promise<void> {
    await this.settle();
    await this.env.close();
    unlock(this.dir);
  }

  // Reads.

  headNumber(): bigint | undefined {
    const h = this.meta.get('head');
    return h === undefined ? undefined : BigInt(h);
  }

  head(): HeaderRecord | undefined {
    const n = this.headNumber();
    return n === undefined ? undefined : this.header(n);
  }

  finalized(): bigint | undefined {
    const f = this.meta.get('finalized');
    return f === undefined ? undefined : BigInt(f);
  }

  genesis(): GenesisRecord | undefined {
    const g = this.meta.get('genesis');
    if (g === undefined) return undefined;
    const o = JSON.parse(g) as { number: string; fork: string; chainId: string; digest: string };
    return { number: BigInt(o.number), fork: o.fork, chainId: BigInt(o.chainId), digest: Buffer.from(o.digest, 'hex') };
  }

  header(n: bigint): HeaderRecord | undefined {
    const b = this.headers.getBinary(Buffer.from(numberKey(n)));
    if (!b) return undefined;
    const [number, hash, parentHash, stateRoot, timestamp] = RLP.decode(new Uint8Array(b)) as Uint8Array[];
    return { number: bytesToBigint(number), hash, parentHash, stateRoot, timestamp: bytesToBigint(timestamp) };
  }

  block(n: bigint): BlockRecord | undefined {
    const b = readChunked(this.blocks, numberKey(n));
    if (!b) return undefined;
    const r = deserialize(b) as BlockRecord;
    storedDiff(r.result.stateDiff);
    return r;
  }

  account(addr: Uint8Array): AccountRecord | undefined {
    const b = this.accounts.getBinary(bufferOf(addr));
    return b ? decodeAccount(new Uint8Array(b)) : undefined;
  }

  slot(addr: Uint8Array, slot: bigint): bigint {
    const b = this.storage.getBinary(bufferOf(storageKey(addr, slot)));
    return b ? bytesToBigint(b) : 0n;
  }

  /** Every non-zero slot of an account, in slot order. */
  *slots(addr: Uint8Array): Generator<[bigint, bigint]> {
    const start = Buffer.from(storageKey(addr, 0n));
    const end = Buffer.concat([Buffer.from(addr), Buffer.alloc(32, 0xff), Buffer.of(0)]);
    for (const { key, value } of this.storage.getRange({ start, end })) yield [bytesToBigint((key as Buffer).subarray(20)), bytesToBigint(value)];
  }

  code(hash: Uint8Array): Uint8Array | undefined {
    const b = this.codes.getBinary(bufferOf(hash));
    return b && new Uint8Array(b);
  }

  /** getBinary's answer is the caller's own copy: the trie keeps it as the node's encoding. */
  node(hash: Uint8Array): Uint8Array | undefined {
    // A view, not a copy: a block's trie update reads thousands of nodes.
    const held = this.trailing.size > 0 ? this.trailing.get(hash) : undefined;
    if (held) return held;
    const b = this.nodes.getBinary(bufferOf(hash));
    // As a plain Uint8Array: the decoder takes thousands of views of stored nodes a block, and a Buffer's subarray makes each through Node's JS.
    return b ? new Uint8Array(b.buffer, b.byteOffset, b.length) : undefined;
  }

  /** Whether the node with this hash is written (or on its way, in memory). */
  hasNode(hash: Uint8Array): boolean {
    return (this.trailing.size > 0 && this.trailing.has(hash)) || this.nodes.doesExist(bufferOf(hash));
  }

  /** The number of the stored block with this hash. */
  blockNumber(hash: Uint8Array): bigint | undefined {
    const b = this.index.getBinary(Buffer.concat([BLOCK_TAG, hash]));
    return b ? keyNumber(new Uint8Array(b)) : undefined;
  }

  /** A store written before the hash index: its blocks' hashes indexed once, when it opens (their transactions stay unindexed). */
  private indexOlderBlocks(): void {
    const head = this.headNumber();
    const g = this.genesis();
    if (head === undefined || !g) return;
    const top = this.header(head);
    if (!top || this.index.doesExist(Buffer.concat([BLOCK_TAG, top.hash]))) return;
    this.env.transactionSync(() => {
      for (let n = g.number; n <= head; n++) {
        const h = this.header(n);
        if (h) this.index.putSync(Buffer.concat([BLOCK_TAG, h.hash]), Buffer.from(numberKey(n)));
      }
    });
  }

  /** Where the transaction with this hash sits: its block's number and its position there. */
  transaction(hash: Uint8Array): { number: bigint; index: number } | undefined {
    const b = this.index.getBinary(Buffer.concat([TX_TAG, hash]));
    return b ? { number: keyNumber(new Uint8Array(b)), index: b.readUInt32BE(8) } : undefined;
  }

  /** Block `n`'s reverse diff, while it is kept. */
  undo(n: bigint): ReverseDiff | undefined {
    const b = readChunked(this.undos, numberKey(n));
    return b && decodeReverseDiff(new Uint8Array(b));
  }

  hasUndo(n: bigint): boolean {
    return hasChunked(this.undos, numberKey(n));
  }

  // Writes.

  /**
   * Runs `fn` in one write transaction, then returns once it is committed and flushed
   * to disk. When `fn` throws, or the commit fails, nothing of it is kept; a full disk or
   * map is reported as STORE_FULL. `committed` runs as soon as the commit is visible, before
   * any other request can read the store (what the chain keeps in memory must follow it).
   */
  async write(fn: (w: StoreWriter) => void, committed?: () => void): Promise<void> {
    await this.settle();
    await this.writeNow(fn, committed);
  }

  private async writeNow(fn: (w: StoreWriter) => void, committed?: () => void): Promise<void> {
    await this.committing(async () => {
      this.env.transactionSync(() => fn(this.writer()));
      committed?.();
      await this.env.flushed;
    });
  }

  /**
   * write() for a block, whose transaction is large: `fn` collects the writes first
   * (when it throws, nothing is written); they go to lmdb's write thread as one batch
   * transaction (`batch`), which inserts and commits them on its own core while this
   * thread goes on with `meanwhile`. Returns, like write(), once the transaction is
   * committed and flushed; `committed` runs once it is visible. Reads in the meantime see
   * the store before or after the whole transaction.
   *
   * `trailing`: the block's new trie nodes. They are served from memory from now on, and
   * written in a transaction of their own once the block is durable, while the caller
   * answers and the next block runs: a block's nodes cost its commit about as much as
   * the rest of it together (some 7,000 random keys for 1,000 transactions on a million
   * accounts). A block that does not commit drops them.
   */
  async writeQueued(fn: (w: StoreWriter) => void, o: { committed?: () => void; meanwhile?: () => void; trailing?: [hash: Uint8Array, bytes: Uint8Array][] } = {}): Promise<void> {
    const ops: (() => unknown)[] = [];
    fn(this.writer(
      // lmdb-js takes put's options on its asynchronous put too (write.js), though its types declare them on putSync only.
      (db, key, value, append) => ops.push(append ? () => (db.put as AppendingPut)(bufferOf(key), value, { append }) : () => db.put(bufferOf(key), value)),
      (db, key) => ops.push(() => db.remove(bufferOf(key))),
      (key, value) => ops.push(() => this.meta.put(key, value)),
    ));
    await this.settle();
    const held = o.trailing ?? [];
    for (const [h, bytes] of held) this.trailing.set(h, bytes);
    let applied = false;
    try {
      await this.committing(async () => {
        const done = this.env.batch(() => {
          for (const op of ops) op();
        });
        // What `meanwhile` throws waits for the transaction's outcome: a committed block still reaches `committed`.
        let failed: { error: unknown } | undefined;
        try {
          o.meanwhile?.();
        } catch (error) {
          failed = { error };
        }
        await done;
        applied = true;
        o.committed?.();
        await this.env.flushed;
        if (failed) throw failed.error;
      });
    } finally {
      if (applied) this.trail(held);
      else for (const [h] of held) this.trailing.delete(h);
    }
  }

  /**
   * Writes held nodes in a transaction of their own, queued behind everything before; they
   * leave memory once it commits (a failure keeps them for settle). Queued on the next
   * turn of the event loop: handing a block's thousands of nodes to lmdb took 10-15 ms,
   * and the block's answer, durable already, goes out first.
   */
  private trail(nodes: [Uint8Array, Uint8Array][]): void {
    if (nodes.length === 0) return;
    this.trailingWrite = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() =>
        this.env.batch(() => {
          for (const [h, bytes] of nodes) void this.nodes.put(bufferOf(h), bytes);
        }),
      )
      .then(
        () => {
          for (const [h] of nodes) this.trailing.delete(h);
        },
        () => undefined,
      );
  }

  /**
   * Waits for the trailing nodes to commit, writing again any whose transaction failed:
   * every later transaction commits after them, so once one is durable they are too.
   */
  async settle(): Promise<void> {
    await this.trailingWrite;
    if (this.trailing.size === 0) return;
    const left = [...this.trailing.entries()];
    await this.writeNow((w) => {
      for (const [h, bytes] of left) w.node(h, bytes);
    });
    for (const [h] of left) this.trailing.delete(h);
  }

  /** Runs a commit; a full disk or map is reported as STORE_FULL. */
  private async committing(commit: () => Promise<void>): Promise<void> {
    try {
      await commit();
    } catch (e) {
      if (e instanceof ServiceError) throw e;
      const message = (e as Error).message ?? String(e);
      if (/ENOSPC|MDB_MAP_FULL|No space|space left|MDB_MAP_RESIZED/i.test(message)) throw new ServiceError('STORE_FULL', [message]);
      throw e;
    }
  }

  private writer(put?: WriteOps['put'], del?: WriteOps['del'], meta?: WriteOps['meta']): StoreWriter {
    return storeWriter(this.tables, {
      put: put ?? ((db, key, value, append) => (append ? db.putSync(bufferOf(key), value, { append }) : db.putSync(bufferOf(key), value))),
      del: del ?? ((db, key) => db.removeSync(bufferOf(key))),
      meta: meta ?? ((key, value) => this.meta.putSync(key, value)),
    }, (n) => this.block(n));
  }

  /** Bytes of the data file in use (LMDB reserves more as it grows). */
  bytesUsed(): number {
    const s = this.env.getStats() as { pageSize: number; lastPageNumber: number };
    return (s.lastPageNumber + 1) * s.pageSize;
  }
}

/** `b` as a Buffer over the same memory, not a copy: lmdb-js copies a key when it is given, and a block hands it thousands. */
function bufferOf(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
