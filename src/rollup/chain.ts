import { KECCAK256_NULL } from '@ethereumjs/util';
import { since, type Engine } from '../engine/engine.js';
import { ServiceError } from '../errors/service-error.js';
import type { AccountView, ChainBlock, ChainHead, ChainInit, ChainStats } from '../model/chain.js';
import { forkAtLeast, type Fork } from '../model/fork.js';
import type { Account, BatchStats, BlockEnv } from '../model/shapes.js';
import { bytesToHex } from '../primitives/hex.js';
import { cpuHasher } from '../chain/hasher.js';
import { blockChanges } from './block-state.js';
import { digestOf, genesisDigest } from './digest.js';
import { writeGenesis } from './genesis.js';
import { keccak256 } from '../primitives/keccak.js';
import type { TxInput } from '../model/shapes.js';
import { blockHeader, encodeIncluded, encodeInput, transactionsRootOf } from './header.js';
import { pruneUndoTo, rollbackTo, stateAt } from './history.js';
import { Preloader } from './preload.js';
import { restoreHeadNodes } from './restore-nodes.js';
import { addressKey } from './records.js';
import { ChainState } from './state.js';
import { ChainStore, type BlockRecord, type HeaderRecord, type StoreWriter } from './store.js';
import { NodeCache, equal } from './trie.js';

/**
 * The chain of the rollup co-processor mode: a persistent state that blocks are applied
 * to exactly once, in order, each in one durable transaction (store.ts), with rollback
 * to any block in the window and never below the finalized one. One operation at a time
 * changes the chain (a queue); reads go to the store as it stands.
 *
 * A block runs on an engine of the registry like any batch, with the preloaded part of
 * the state as `pre` and the store as its state source (src/model/state-source.ts), and
 * without a state root; the chain keeps the root itself, updating the stored trie from
 * the block's state diff (block-state.ts).
 */
export interface ChainOptions {
  dir: string;
  /** Blocks whose reverse diffs are kept: the rollback window. */
  rollbackDepth: number;
  /** Bytes of hot state kept in memory across blocks. */
  stateCacheBytes: number;
}

/** What the chain needs of the engine registry. */
export interface EngineSource {
  get(name: string | undefined): Engine;
}

export interface Applied {
  record: BlockRecord;
  /** The block was already applied with this content: the stored result, not run again. */
  replayed: boolean;
}

export interface ApplyOptions {
  /** Judges the block as computed, before anything is written: a reason it returns is thrown as BlockInvalid, and nothing is kept. */
  validate?: (record: BlockRecord) => string | undefined;
  /**
   * Runs while the block's transaction commits on lmdb's thread: the block is computed
   * but not yet durable, and this thread would otherwise wait (the route formats its
   * answer here). The record's commit and total times are filled in once it is durable.
   * What it throws fails the call once the transaction's outcome is known.
   */
  whileCommitting?: (record: BlockRecord) => void;
}

/** A block refused by ApplyOptions.validate: nothing of it was written. */
export class BlockInvalid extends Error {
  override name = 'BlockInvalid';
  constructor(message: string, readonly record: BlockRecord) {
    super(message);
  }
}

/** BLOCKHASH reaches this many blocks back. */
const BLOCKHASH_WINDOW = 256n;

export class Chain {
  readonly store: ChainStore;
  private readonly state: ChainState;
  private readonly nodes = new NodeCache(200_000);
  private readonly preloader = new Preloader();
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * Settles once the store is whole: trie nodes a crash left unwritten are rebuilt first
   * (restore-nodes.ts); `restoredNodes` counts them. Every change to the chain waits for
   * it, and fails as it does.
   */
  readonly ready: Promise<{ restoredNodes: number }>;

  constructor(
    private readonly options: ChainOptions,
    private readonly engines: EngineSource,
  ) {
    this.store = new ChainStore(options.dir);
    this.state = new ChainState(this.store, options.stateCacheBytes);
    this.ready = restoreHeadNodes(this.store).then((restoredNodes) => ({ restoredNodes }));
    // Reported by whoever awaits it (serve, every change); not an unhandled rejection meanwhile.
    this.ready.catch(() => undefined);
  }

  head(): ChainHead {
    const h = this.requireHead();
    return { number: h.number, hash: h.hash, stateRoot: h.stateRoot, finalized: this.store.finalized()! };
  }

  /** Initialises an empty store; the same genesis again is a no-op, another one CHAIN_ALREADY_INITIALISED. */
  init(g: ChainInit): Promise<{ head: ChainHead; created: boolean }> {
    const alloc = [...g.alloc].sort(([a], [b]) => (a < b ? -1 : 1));
    return this.genesis(g.fork, g.chainId, { ...g.env, chainId: g.chainId, blockHashes: new Map() }, alloc);
  }

  /** The genesis from accounts in address order, any number of them (the benchmark's million come one at a time). */
  genesis(fork: Fork, chainId: bigint, env: BlockEnv, alloc: Iterable<[string, Account]> & { [Symbol.iterator](): Iterator<[string, Account]> }): Promise<{ head: ChainHead; created: boolean }> {
    return this.exclusive(async () => {
      const params = { fork, chainId, env: { ...env, blockHashes: undefined } };
      const existing = this.store.genesis();
      if (existing) {
        const head = this.head();
        if (existing.fork === fork && existing.chainId === chainId && equal(existing.digest, genesisDigest(params, alloc))) return { head, created: false };
        throw new ServiceError('CHAIN_ALREADY_INITIALISED', [existing.number, bytesToHex(this.store.header(existing.number)!.hash)]);
      }
      if (forkAtLeast(fork, 'London') && env.baseFee === undefined) throw missingBaseFee(fork);
      // The digest reads the accounts once more: a generator must be one that can be iterated twice.
      await writeGenesis(this.store, { fork, chainId, env, digest: genesisDigest(params, alloc) }, alloc);
      return { head: this.head(), created: true };
    });
  }

  /** Applies the next block, or answers a re-post of an applied one (`replayed`). */
  apply(b: ChainBlock, opts: ApplyOptions = {}): Promise<Applied> {
    return this.exclusive(async () => this.next(b, opts, true));
  }

  /** Runs the next block on the head's state as apply would, and answers its record without writing anything (the Engine API builds payloads so). */
  build(b: ChainBlock): Promise<BlockRecord> {
    return this.exclusive(async () => {
      const head = this.requireHead();
      if (b.number !== head.number + 1n) throw outOfOrder(b.number, head);
      return (await this.next(b, {}, false)).record;
    });
  }

  private async next(b: ChainBlock, opts: ApplyOptions, write: boolean): Promise<Applied> {
    const started = performance.now();
    const head = this.requireHead();
    const g = this.store.genesis()!;
    const n = b.number;
    if (b.env.number !== undefined && b.env.number !== n) throw new ServiceError('BLOCK_NUMBER_MISMATCH', [b.env.number, n], [{ path: '/env/number', message: `the block is ${n}` }]);
    if (b.env.chainId !== undefined && b.env.chainId !== g.chainId) throw new ServiceError('CHAIN_ID_MISMATCH', [b.env.chainId, g.chainId], [{ path: '/env/chainId', message: `the chain's id is ${g.chainId}` }]);
    const digest = digestOf({ env: { ...b.env, number: undefined, chainId: undefined }, txs: b.txs, ...(b.extraData?.length ? { extraData: b.extraData } : {}) });
    if (n <= head.number) {
      const stored = this.store.block(n);
      if (!stored) throw outOfOrder(n, head);
      if (equal(stored.digest, digest) && (!b.parentHash || equal(b.parentHash, stored.parentHash))) return { record: stored, replayed: true };
      throw new ServiceError('BLOCK_CONFLICT', [n]);
    }
    if (n !== head.number + 1n) throw outOfOrder(n, head);
    if (b.parentHash && !equal(b.parentHash, head.hash)) throw new ServiceError('PARENT_HASH_MISMATCH', [bytesToHex(b.parentHash), head.number, bytesToHex(head.hash)], [{ path: '/parentHash', message: 'must be the head\'s hash' }]);
    if (b.env.timestamp < head.timestamp) throw new ServiceError('TIMESTAMP_DECREASES', [b.env.timestamp, head.timestamp], [{ path: '/env/timestamp', message: `at least ${head.timestamp}` }]);
    const fork = g.fork as Fork;
    if (forkAtLeast(fork, 'London') && b.env.baseFee === undefined) throw missingBaseFee(fork);
    const env: BlockEnv = { ...b.env, number: n, chainId: g.chainId, blockHashes: this.recentHashes(n, g.number) };
    return { record: await this.run(fork, env, head, b, digest, started, opts, write), replayed: false };
  }

  private async run(fork: Fork, env: BlockEnv, head: HeaderRecord, b: ChainBlock, digest: Uint8Array, started: number, opts: ApplyOptions, write: boolean): Promise<BlockRecord> {
    const n = env.number;
    const engine = this.engines.get(b.options.engine);
    this.state.begin(false);
    let t = performance.now();
    const hasher = (await engine.hasher?.()) ?? cpuHasher;
    const preloaded = await this.preloader.preload(this.state, b.txs, n, hasher);
    const ms = { preload: since(t), execute: 0, trie: 0, header: 0, commit: 0, total: 0 };
    this.state.begin(true);
    t = performance.now();
    const result = await engine.execute({ fork, env, pre: preloaded.pre, txs: b.txs, options: { engine: b.options.engine, stateRoot: false } }, { state: this.state });
    ms.execute = since(t);
    const missed = this.state.end();

    // A block not written keeps its new nodes out of the shared cache.
    const changes = await blockChanges(this.state, this.store, write ? this.nodes : new NodeCache(0), head.stateRoot, n, result.stateDiff, hasher);
    ms.trie = Math.round((changes.ms.state + changes.ms.trie) * 1000) / 1000;
    t = performance.now();
    // Each included transaction is encoded once: for the transactions root and for its hash.
    const encoded = encodeIncluded(env.chainId, b.txs, result.results.map((r) => r.index));
    const txs = result.results.map((r) => b.txs[r.index]);
    // The transactions root and the transactions' hashes: two batches for the engine's hasher.
    const [txRoot, txHashes] = await Promise.all([transactionsRootOf(encoded, hasher), hasher(txs.map((tx, i) => hashInput(tx, encoded[i])))]);
    const header = blockHeader(fork, env, {
      parentHash: head.hash, stateRoot: changes.stateRoot, transactionsRoot: txRoot, receiptsRoot: result.receiptsRoot,
      logsBloom: result.logsBloom, gasUsed: result.gasUsed, blobGasUsed: result.blobGasUsed, extraData: b.extraData,
    });
    const hash = header.hash();
    ms.header = since(t);
    const reads = this.state.begin(false);
    const chain: ChainStats = { preloaded: { accounts: preloaded.accounts, slots: preloaded.slots }, state: { hits: reads.hits, reads: reads.reads, readMs: Math.round(reads.ms * 1000) / 1000 }, timingsMs: ms };
    const stats: BatchStats & { chain: ChainStats } = { ...result.stats, chain };
    const record: BlockRecord = {
      number: n, hash, parentHash: head.hash, stateRoot: changes.stateRoot, transactionsRoot: txRoot, receiptsRoot: result.receiptsRoot, digest,
      result: { ...result, stateRoot: changes.stateRoot, stats },
      header: header.serialize(), txs, txHashes,
    };
    const invalid = opts.validate?.(record);
    if (invalid !== undefined) throw new BlockInvalid(invalid, record);
    if (!write) return record;
    t = performance.now();
    const finalized = this.store.finalized()!;
    const writes = (w: StoreWriter) => {
      if (this.store.headNumber() !== head.number) throw new Error(`the head moved from ${head.number} during block ${n}`);
      for (const [addr, r] of changes.accounts) w.account(addressKey(addr), r);
      for (const [addr, slot, v] of changes.slots) w.slot(addressKey(addr), slot, v);
      for (const [h, code] of changes.codes) w.code(h, code);
      w.undo(n, changes.undo);
      w.header({ number: n, hash, parentHash: head.hash, stateRoot: changes.stateRoot, timestamp: env.timestamp });
      w.block(record);
      w.head(n);
      // The window: the last `rollbackDepth` blocks' reverse diffs, none at or below the finalized block.
      const old = n - BigInt(this.options.rollbackDepth);
      if (old > finalized) w.dropUndo(old);
    };
    this.state.committingBlock();
    try {
      await this.store.writeQueued(writes, {
        // Written once the block is durable, while the answer goes out and the next block runs (restore-nodes.ts covers a crash in between).
        trailing: changes.nodes,
        committed: () => this.state.committed(changes.accounts, changes.slots),
        // While lmdb's thread commits, this one learns for the next preload (a block that then fails to commit teaches nothing wrong).
        meanwhile: () => {
          this.preloader.learn(b.txs, result.stateDiff, missed, n);
          opts.whileCommitting?.(record);
        },
      });
    } catch (e) {
      this.state.aborted();
      throw e;
    }
    ms.commit = since(t);
    ms.total = since(started);
    return record;
  }

  /** The stored block `n`, or BLOCK_NOT_FOUND. */
  block(n: bigint): BlockRecord {
    const head = this.requireHead();
    const r = n <= head.number ? this.store.block(n) : undefined;
    if (!r) throw new ServiceError('BLOCK_NOT_FOUND', [n, head.number]);
    return r;
  }

  /** An account and some of its slots at the head, or at block `at` within the rollback window. */
  account(addr: string, slots: bigint[], at?: bigint): AccountView {
    const head = this.requireHead();
    let record = this.state.record(addr);
    const values = new Map(slots.map((s) => [s, this.state.storage(addr, s)]));
    if (at !== undefined && at !== head.number) {
      const then = stateAt(this.store, addr, slots, at, head.number);
      if (then.account !== undefined) record = then.account ?? undefined;
      for (const [s, v] of then.slots) values.set(s, v);
    }
    return {
      balance: record?.balance ?? 0n,
      nonce: record?.nonce ?? 0n,
      codeHash: record?.codeHash ?? KECCAK256_NULL,
      code: record ? this.state.code(record.codeHash) : new Uint8Array(0),
      storage: Object.fromEntries([...values].map(([s, v]) => [`0x${s.toString(16).padStart(64, '0')}`, v])),
    };
  }

  /** Makes block `n` the head; later blocks are forgotten. */
  rollback(n: bigint): Promise<ChainHead> {
    return this.exclusive(async () => {
      const head = this.requireHead();
      if (n !== head.number) await this.store.write((w) => rollbackTo(this.store, w, head.number, n), () => this.state.clear());
      return this.head();
    });
  }

  /** Marks block `n` final: no rollback below it, and its reverse diffs and older ones are pruned. Idempotent. */
  finalize(n: bigint): Promise<ChainHead> {
    return this.exclusive(async () => {
      const head = this.requireHead();
      if (n > head.number) throw new ServiceError('BLOCK_NOT_FOUND', [n, head.number], [{ path: '/number', message: `the head is block ${head.number}` }]);
      const finalized = this.store.finalized()!;
      if (n > finalized) {
        await this.store.write((w) => {
          w.finalized(n);
          pruneUndoTo(this.store, w, n, finalized);
        });
      }
      return this.head();
    });
  }

  async close(): Promise<void> {
    await this.queue;
    await this.ready.catch(() => undefined);
    await this.store.close();
  }

  private requireHead(): HeaderRecord {
    const h = this.store.head();
    if (!h) throw new ServiceError('CHAIN_NOT_INITIALISED');
    return h;
  }

  /** BLOCKHASH's answers: the chain's own hashes of the 256 blocks before `n`. */
  private recentHashes(n: bigint, genesis: bigint): Map<bigint, Uint8Array> {
    const out = new Map<bigint, Uint8Array>();
    for (let k = n - 1n; k >= genesis && k >= n - BLOCKHASH_WINDOW; k--) out.set(k, this.store.header(k)!.hash);
    return out;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      await this.ready;
      return fn();
    });
    // Settled with nothing: the queue keeps the order, not the last answer.
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

/**
 * A transaction's hash: a signed one's is the keccak of its encoding; a sequencer-trusted
 * one has no signature to tell senders apart, so its hash is the keccak of its encoding
 * (empty signature, as the transactions trie holds it) followed by its sender's address.
 */
export function txHash(tx: TxInput, chainId: bigint): Uint8Array {
  return keccak256(hashInput(tx, encodeInput(tx, chainId)));
}

/** What txHash hashes, from the transaction's encoding already made (encodeInput). */
function hashInput(tx: TxInput, enc: Uint8Array): Uint8Array {
  if (tx.kind === 'raw') return enc;
  const out = new Uint8Array(enc.length + 20);
  out.set(enc);
  out.set(tx.tx.from, enc.length);
  return out;
}

function outOfOrder(n: bigint, head: HeaderRecord): ServiceError {
  return new ServiceError('BLOCK_OUT_OF_ORDER', [n, head.number, bytesToHex(head.hash)], [{ path: '/number', message: `the next block is ${head.number + 1n}` }]);
}

function missingBaseFee(fork: Fork): ServiceError {
  return new ServiceError('MISSING_ENV_FIELD', [`/env: baseFee is required from London (fork ${fork})`], [{ path: '/env/baseFee', message: 'required from London' }]);
}
