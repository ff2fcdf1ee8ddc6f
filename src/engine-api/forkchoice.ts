import type { Common } from '@ethereumjs/common';
import { keccak256 } from '../primitives/keccak.js';
import { makeCommon } from '../chain/common.js';
import { ServiceError } from '../errors/service-error.js';
import type { ChainBlock } from '../model/chain.js';
import type { Fork } from '../model/fork.js';
import { bytesToHex, type Hex } from '../primitives/hex.js';
import { headerOf } from '../rpc/blocks.js';
import { RpcError } from '../rpc/dispatch.js';
import { BlockInvalid, type Chain } from '../rollup/chain.js';
import type { BlockRecord } from '../rollup/store.js';
import { mismatch, payloadBlock, payloadHeader, recordBlock, type ExecutionPayload } from './payload.js';

/**
 * The Engine API's state over the chain: the chain is one line of blocks with a head
 * (src/rollup/), the Engine API a tree of payloads with a forkchoice. A payload whose
 * parent is the head is executed and applied at once (newPayload answers VALID or
 * INVALID); one whose parent is an older block is kept (ACCEPTED), as are blocks a reorg
 * drops, so that a later forkchoiceUpdated can roll the chain back to the fork point
 * and apply that branch. A head at an ancestor rolls back (never below the finalized
 * block, nor past the rollback window: -38006); a finalized hash finalizes (pruning
 * reverse diffs); the safe one is remembered for the `safe` tag. Payload attributes
 * build the next block on the head without writing it (Chain.build).
 */
export const INVALID_FORKCHOICE = -38002;
export const INVALID_ATTRIBUTES = -38003;
export const UNKNOWN_PAYLOAD = -38001;
export const UNSUPPORTED_FORK = -38005;
export const TOO_DEEP_REORG = -38006;

export type Status = 'VALID' | 'INVALID' | 'SYNCING' | 'ACCEPTED';
export interface PayloadStatus {
  status: Status;
  latestValidHash: Hex | null;
  validationError: string | null;
}

export interface Attributes {
  timestamp: bigint;
  prevRandao: Uint8Array;
  suggestedFeeRecipient: Uint8Array;
  parentBeaconBlockRoot: Uint8Array;
  /** OP Stack: the sequencer's transactions, included in this order (there is no pool: `noTxPool` or not, nothing else is added). */
  transactions: Uint8Array[];
  /** OP Stack: the block's gas limit; default the parent's. */
  gasLimit?: bigint;
}

export interface Forkchoice {
  head: Uint8Array;
  safe: Uint8Array;
  finalized: Uint8Array;
}

const ZERO32 = new Uint8Array(32);
const KEEP = 1024;
const key = (h: Uint8Array) => Buffer.from(h).toString('hex');
const isZero = (h: Uint8Array) => Buffer.compare(h, ZERO32) === 0;
const status = (s: Status, lvh: Uint8Array | null = null, err: string | null = null): PayloadStatus => ({ status: s, latestValidHash: lvh && bytesToHex(lvh), validationError: err });

export type EngineChain = Pick<Chain, 'store' | 'apply' | 'build' | 'rollback' | 'finalize'>;

export class EngineApi {
  /** Blocks known by hash but not on the chain: received for an older parent, or dropped by a reorg. */
  private readonly side = new Map<string, ChainBlock & { hash: Uint8Array }>();
  /** Blocks found invalid -> their latest valid ancestor. */
  private readonly invalid = new Map<string, Uint8Array>();
  private readonly built = new Map<string, BlockRecord>();
  private safeNumber: bigint | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private commonCache: Common | undefined;

  constructor(
    private readonly chain: EngineChain,
    /** The engine blocks run on (the registry's name; default `auto`). */
    private readonly engine?: string,
  ) {}

  /** The safe block the forkchoice last named (JSON-RPC's `safe` tag), while it is on the chain. */
  safe(): bigint | undefined {
    const head = this.chain.store.headNumber();
    return this.safeNumber !== undefined && head !== undefined && this.safeNumber <= head ? this.safeNumber : undefined;
  }

  fork(): Fork {
    const g = this.chain.store.genesis();
    if (!g) throw new RpcError(-32000, 'the chain is not initialised (POST /v1/chain/init)');
    return g.fork as Fork;
  }

  common(): Common {
    const g = this.chain.store.genesis()!;
    this.fork();
    if (!this.commonCache || this.commonCache.chainId() !== g.chainId) this.commonCache = makeCommon(g.fork as Fork, g.chainId);
    return this.commonCache;
  }

  newPayload(p: ExecutionPayload, beaconRoot: Uint8Array, requests: Uint8Array[]): Promise<PayloadStatus> {
    return this.exclusive(async () => {
      const common = this.common();
      const header = await payloadHeader(p, beaconRoot, requests, common);
      if (p.withdrawals.length > 0) return status('INVALID', null, 'withdrawals are not supported by the co-processor chain');
      if (Buffer.compare(header.hash(), p.blockHash) !== 0) return status('INVALID', null, `blockHash mismatch: the payload's fields hash to ${bytesToHex(header.hash())}`);
      const k = key(p.blockHash);
      const bad = this.invalid.get(k);
      if (bad) return status('INVALID', bad, 'the payload was found invalid before');
      if (this.chain.store.blockNumber(p.blockHash) !== undefined) return status('VALID', p.blockHash);
      const block = { ...payloadBlock(p, beaconRoot), hash: p.blockHash };
      const badParent = this.invalid.get(key(p.parentHash));
      if (badParent) return this.markInvalid(p.blockHash, badParent, 'the parent is invalid');
      const parentNumber = this.chain.store.blockNumber(p.parentHash);
      if (parentNumber === undefined || parentNumber !== this.chain.store.headNumber()) {
        this.remember(block);
        return status(parentNumber === undefined ? 'SYNCING' : 'ACCEPTED');
      }
      this.side.delete(k);
      return this.importOnHead(block, p);
    });
  }

  forkchoiceUpdated(fc: Forkchoice, attrs: Attributes | undefined): Promise<{ payloadStatus: PayloadStatus; payloadId: Hex | null }> {
    return this.exclusive(async () => {
      const store = this.chain.store;
      const noBuild = (s: PayloadStatus) => ({ payloadStatus: s, payloadId: null });
      const bad = this.invalid.get(key(fc.head));
      if (bad) return noBuild(status('INVALID', bad, 'the head was found invalid'));
      let target = store.blockNumber(fc.head);
      let branch: (ChainBlock & { hash: Uint8Array })[] = [];
      if (target === undefined) {
        branch = this.branchTo(fc.head);
        if (branch.length === 0) return noBuild(status('SYNCING'));
        target = branch[0].number - 1n;
      }
      const finalized = store.finalized()!;
      const headNumber = store.headNumber()!;
      // A head at or below the finalized block: nothing changes and nothing is built.
      if (branch.length === 0 && target < finalized && target < headNumber) return noBuild(status('VALID', fc.head));
      const onChain = (h: Uint8Array, what: string): bigint | undefined => {
        if (isZero(h)) return undefined;
        const n = store.blockNumber(h);
        const top = branch.length > 0 ? branch.at(-1)!.number : target!;
        const inBranch = branch.find((b) => Buffer.compare(b.hash, h) === 0);
        if (inBranch) return inBranch.number;
        if (n === undefined || n > target! || n > top) throw new RpcError(INVALID_FORKCHOICE, `Invalid forkchoice state: the ${what} block is not an ancestor of the head`);
        return n;
      };
      const fin = onChain(fc.finalized, 'finalized');
      const safe = onChain(fc.safe, 'safe');
      const previous = store.head()!.hash;
      if (target < headNumber) await this.reorgTo(target);
      for (const b of branch) {
        const s = await this.importOnHead(b);
        if (s.status !== 'VALID') {
          await this.restore(target, previous);
          return noBuild(s);
        }
        this.side.delete(key(b.hash));
      }
      if (fin !== undefined && fin > store.finalized()!) await this.chain.finalize(fin);
      this.safeNumber = safe;
      if (!attrs) return noBuild(status('VALID', fc.head));
      return { payloadStatus: status('VALID', fc.head), payloadId: await this.build(attrs) };
    });
  }

  getPayload(id: Uint8Array): BlockRecord {
    const r = this.built.get(key(id));
    if (!r) throw new RpcError(UNKNOWN_PAYLOAD, 'Unknown payload');
    return r;
  }

  /** Applies a block on the head, checked against the hash it claims; an invalid one is remembered and nothing is written. */
  private async importOnHead(b: ChainBlock & { hash: Uint8Array }, p?: ExecutionPayload): Promise<PayloadStatus> {
    const head = this.chain.store.head()!;
    const parent = this.chain.store.block(head.number)!;
    const ph = headerOf(parent, this.common());
    if (b.env.timestamp <= head.timestamp) return this.markInvalid(b.hash, head.hash, `timestamp ${b.env.timestamp} is not after the parent's ${head.timestamp}`);
    if (ph && ph.baseFeePerGas !== undefined && b.env.baseFee !== ph.calcNextBaseFee()) return this.markInvalid(b.hash, head.hash, `base fee ${b.env.baseFee} is not the parent's next base fee ${ph.calcNextBaseFee()}`);
    try {
      await this.chain.apply({ ...b, options: { engine: this.engine } }, { validate: (r) => (p ? mismatch(r, p) : Buffer.compare(r.hash, b.hash) === 0 ? undefined : 'block hash mismatch') });
      return status('VALID', b.hash);
    } catch (e) {
      if (e instanceof BlockInvalid) return this.markInvalid(b.hash, head.hash, e.message);
      if (e instanceof ServiceError && e.statusCode < 500) return this.markInvalid(b.hash, head.hash, `${e.code}: ${e.message}`);
      throw e;
    }
  }

  private markInvalid(hash: Uint8Array, latestValid: Uint8Array, why: string): PayloadStatus {
    this.invalid.set(key(hash), latestValid);
    this.side.delete(key(hash));
    trim(this.invalid);
    return status('INVALID', latestValid, why);
  }

  private remember(b: ChainBlock & { hash: Uint8Array }): void {
    this.side.set(key(b.hash), b);
    trim(this.side);
  }

  /** The side blocks from the one after a chain block up to `head`, oldest first; empty when they do not reach the chain. */
  private branchTo(head: Uint8Array): (ChainBlock & { hash: Uint8Array })[] {
    const out: (ChainBlock & { hash: Uint8Array })[] = [];
    for (let b = this.side.get(key(head)); b; b = this.side.get(key(b.parentHash!))) {
      out.unshift(b);
      if (this.chain.store.blockNumber(b.parentHash!) !== undefined) return out;
    }
    return [];
  }

  /** Rolls the chain back to block `n`, keeping the dropped blocks as side blocks; refused past the window or below finality (-38006). */
  private async reorgTo(n: bigint): Promise<void> {
    const store = this.chain.store;
    const dropped: (ChainBlock & { hash: Uint8Array })[] = [];
    for (let k = store.headNumber()!; k > n; k--) {
      const r = store.block(k)!;
      if (r.header) dropped.push({ ...recordBlock(r, this.common()), hash: r.hash });
    }
    try {
      await this.chain.rollback(n);
    } catch (e) {
      if (e instanceof ServiceError && (e.code === 'ROLLBACK_BEYOND_WINDOW' || e.code === 'ROLLBACK_BELOW_FINALIZED')) throw new RpcError(TOO_DEEP_REORG, `Too deep reorg: ${e.message}`);
      throw e;
    }
    for (const b of dropped) this.remember(b);
  }

  /** After a branch failed half-way: back to the fork point, and the blocks that were the chain before, applied again. */
  private async restore(forkPoint: bigint, previous: Uint8Array): Promise<void> {
    if (this.chain.store.headNumber()! > forkPoint) await this.reorgTo(forkPoint);
    for (const b of this.branchTo(previous)) {
      await this.importOnHead(b);
      this.side.delete(key(b.hash));
    }
  }

  /** Builds the next block on the head from the attributes; answers its payload id. */
  private async build(a: Attributes): Promise<Hex> {
    const store = this.chain.store;
    const head = store.head()!;
    if (a.timestamp <= head.timestamp) throw new RpcError(INVALID_ATTRIBUTES, `Invalid payload attributes: timestamp ${a.timestamp} is not after the head's ${head.timestamp}`);
    const common = this.common();
    const parent = headerOf(store.block(head.number)!, common);
    if (!parent) throw new RpcError(INVALID_ATTRIBUTES, `Invalid payload attributes: the head block ${head.number} was stored without its header`);
    const b: ChainBlock = {
      number: head.number + 1n, parentHash: head.hash,
      env: {
        timestamp: a.timestamp, coinbase: a.suggestedFeeRecipient, gasLimit: a.gasLimit ?? parent.gasLimit, baseFee: parent.calcNextBaseFee(),
        prevRandao: a.prevRandao, excessBlobGas: parent.calcNextExcessBlobGas(common), parentBeaconBlockRoot: a.parentBeaconBlockRoot,
      },
      txs: a.transactions.map((raw) => ({ kind: 'raw', raw })),
      options: { engine: this.engine },
    };
    const record = await this.chain.build(b);
    const id = keccak256(Buffer.concat([head.hash, Buffer.from(a.timestamp.toString(16)), a.prevRandao, a.suggestedFeeRecipient, a.parentBeaconBlockRoot, ...a.transactions])).subarray(0, 8);
    this.built.set(key(id), record);
    trim(this.built, 64);
    return bytesToHex(id);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    // Settled with nothing: the queue keeps the order, not the last answer.
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

function trim<K, V>(m: Map<K, V>, max = KEEP): void {
  while (m.size > max) m.delete(m.keys().next().value!);
}
