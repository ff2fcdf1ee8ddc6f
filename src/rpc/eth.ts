import type { Common } from '@ethereumjs/common';
import { makeCommon } from '../chain/common.js';
import type { Fork } from '../model/fork.js';
import type { BlockEnv } from '../model/shapes.js';
import { bytesToHex, type Hex } from '../primitives/hex.js';
import type { BlockRecord, ChainStore } from '../rollup/store.js';
import { formatBlock, formatReceipt, formatTransaction, headerOf } from './blocks.js';
import { estimateGas, ethCall, type CallContext, type CallRequest } from './call.js';
import { method, RpcError, SERVER_ERROR, type Json, type MethodTable } from './dispatch.js';
import { address, arity, blockRef, bool, data, hash, invalid, object, quantity, word, type BlockRef } from './params.js';
import { StateView } from './state-view.js';

/**
 * The Ethereum JSON-RPC reads over the chain (execution-apis, src/eth/*.yaml): blocks,
 * transactions and receipts from the stored block records, account state from the
 * trie at the block's state root (any stored block: the trie keeps every root's nodes),
 * calls on the reference EVM. Block parameters take `latest` (and `pending`, the same),
 * `safe`, `finalized`, `earliest`, a number or a hash.
 */
export interface RpcChain {
  readonly store: ChainStore;
}

export interface EthOptions {
  /** The chain; undefined: the service has no data directory and every method answers an error. */
  chain?: RpcChain;
  /** The safe block the consensus side last named (the Engine API), when it is not the finalized one. */
  safe?: () => bigint | undefined;
}

const q = (v: bigint | number): Hex => `0x${v.toString(16)}`;
const HISTORY = 256n;

interface Context {
  store: ChainStore;
  fork: Fork;
  chainId: bigint;
  common: Common;
  head: bigint;
  genesis: bigint;
}

export function ethMethods(opts: EthOptions): MethodTable {
  const commons = new Map<string, Common>();
  const context = (): Context => {
    if (!opts.chain) throw new RpcError(SERVER_ERROR, 'the service has no chain: start it with --data-dir');
    const store = opts.chain.store;
    const g = store.genesis();
    const head = store.headNumber();
    if (!g || head === undefined) throw new RpcError(SERVER_ERROR, 'the chain is not initialised (POST /v1/chain/init)');
    const key = `${g.fork}/${g.chainId}`;
    if (!commons.has(key)) commons.set(key, makeCommon(g.fork as Fork, g.chainId));
    return { store, fork: g.fork as Fork, chainId: g.chainId, common: commons.get(key)!, head, genesis: g.number };
  };

  /** The block a parameter names, or undefined when the chain has none such. */
  const numberOf = (c: Context, ref: BlockRef): bigint | undefined => {
    if ('tag' in ref) {
      switch (ref.tag) {
        case 'earliest': return c.genesis;
        case 'finalized': return c.store.finalized();
        case 'safe': return opts.safe?.() ?? c.store.finalized();
        default: return c.head;
      }
    }
    if ('number' in ref) return ref.number <= c.head && ref.number >= c.genesis ? ref.number : undefined;
    return c.store.blockNumber(ref.hash);
  };
  const record = (c: Context, ref: BlockRef): BlockRecord | undefined => {
    const n = numberOf(c, ref);
    return n === undefined ? undefined : c.store.block(n);
  };
  /** The block whose state a read wants: an unknown one is an error, not null. */
  const stateBlock = (c: Context, ref: BlockRef): BlockRecord => {
    const r = record(c, ref);
    if (!r) throw new RpcError(SERVER_ERROR, 'header not found');
    return r;
  };
  const view = (c: Context, ref: BlockRef) => StateView.at(c.store, stateBlock(c, ref).stateRoot);
  const located = (c: Context, h: Uint8Array) => {
    const at = c.store.transaction(h);
    const r = at && c.store.block(at.number);
    return r && at ? { r, i: at.index } : undefined;
  };
  const callContext = (c: Context, ref: BlockRef): CallContext => {
    const r = stateBlock(c, ref);
    return { fork: c.fork, common: c.common, env: blockEnv(c, r), state: () => StateView.at(c.store, r.stateRoot) };
  };
  const addrAndBlock = (raw: unknown[]) => {
    const [a, b] = arity(raw, 1, 2);
    return { addr: address(a, 'address'), ref: blockRef(b, 'block') };
  };

  return {
    web3_clientVersion: method((raw) => arity(raw, 0, 0), () => 'evmgpu'),
    net_version: method((raw) => arity(raw, 0, 0), () => context().chainId.toString()),
    eth_chainId: method((raw) => arity(raw, 0, 0), () => q(context().chainId)),
    eth_syncing: method((raw) => arity(raw, 0, 0), () => false),
    eth_blockNumber: method((raw) => arity(raw, 0, 0), () => q(context().head)),
    eth_getBlockByNumber: method((raw) => {
      const [b, full] = arity(raw, 2, 2);
      return { ref: blockRef(b, 'block', false), full: bool(full, 'hydrated') };
    }, ({ ref, full }) => {
      const c = context();
      const r = record(c, ref);
      return r ? formatBlock(r, c.common, full) : null;
    }),
    eth_getBlockByHash: method((raw) => {
      const [h, full] = arity(raw, 2, 2);
      return { h: hash(h, 'block hash'), full: bool(full, 'hydrated') };
    }, ({ h, full }) => {
      const c = context();
      const r = record(c, { hash: h });
      return r ? formatBlock(r, c.common, full) : null;
    }),
    eth_getTransactionByHash: method((raw) => hash(arity(raw, 1, 1)[0], 'transaction hash'), (h) => {
      const c = context();
      const at = located(c, h);
      return at ? formatTransaction(at.r, at.i, c.common) : null;
    }),
    eth_getTransactionReceipt: method((raw) => hash(arity(raw, 1, 1)[0], 'transaction hash'), (h) => {
      const c = context();
      const at = located(c, h);
      return at ? formatReceipt(at.r, at.i, c.common) : null;
    }),
    eth_getBalance: method(addrAndBlock, async ({ addr, ref }) => q((await (await view(context(), ref)).account(addr))?.balance ?? 0n)),
    eth_getTransactionCount: method(addrAndBlock, async ({ addr, ref }) => q((await (await view(context(), ref)).account(addr))?.nonce ?? 0n)),
    eth_getCode: method(addrAndBlock, async ({ addr, ref }) => bytesToHex(await (await view(context(), ref)).code(addr))),
    eth_getStorageAt: method((raw) => {
      const [a, s, b] = arity(raw, 2, 3);
      return { addr: address(a, 'address'), slot: word(s, 'slot'), ref: blockRef(b, 'block') };
    }, async ({ addr, slot, ref }) => `0x${(await (await view(context(), ref)).storage(addr, slot)).toString(16).padStart(64, '0')}`),
    eth_getProof: method((raw) => {
      const [a, keys, b] = arity(raw, 3, 3);
      if (!Array.isArray(keys)) throw invalid('storageKeys: expected an array');
      return { addr: address(a, 'address'), keys: keys.map((k, i) => ({ key: k as Hex, slot: word(k, `storageKeys[${i}]`) })), ref: blockRef(b, 'block') };
    }, async ({ addr, keys, ref }) => (await (await view(context(), ref)).proof(addr, keys)) as unknown as Json),
    eth_call: method((raw) => {
      const [tx, b] = arity(raw, 1, 2);
      return { req: callRequest(tx), ref: blockRef(b, 'block') };
    }, ({ req, ref }) => { const c = context(); return ethCall(callContext(c, ref), req); }),
    eth_estimateGas: method((raw) => {
      const [tx, b] = arity(raw, 1, 2);
      return { req: callRequest(tx), ref: blockRef(b, 'block') };
    }, async ({ req, ref }) => { const c = context(); return q(await estimateGas(callContext(c, ref), req)); }),
  };
}

/** The env a call at this block runs in: the block's own header, BLOCKHASH from the stored headers before it. */
function blockEnv(c: Context, r: BlockRecord): BlockEnv {
  const h = headerOf(r, c.common);
  const blockHashes = new Map<bigint, Uint8Array>();
  for (let k = r.number - 1n; k >= c.genesis && k >= r.number - HISTORY; k--) {
    const hh = c.store.header(k);
    if (hh) blockHashes.set(k, hh.hash);
  }
  if (!h) throw new RpcError(SERVER_ERROR, `block ${r.number} was stored without its header (an older store): calls need it`);
  return {
    number: r.number, timestamp: h.timestamp, coinbase: h.coinbase.bytes, gasLimit: h.gasLimit, chainId: c.chainId,
    baseFee: h.baseFeePerGas, prevRandao: h.mixHash, excessBlobGas: h.excessBlobGas, blockHashes,
  };
}

function callRequest(v: unknown): CallRequest {
  const o = object(v, 'transaction');
  const opt = <T>(k: string, parse: (x: unknown, what: string) => T): T | undefined => (o[k] === undefined || o[k] === null ? undefined : parse(o[k], k));
  const input = opt('input', data) ?? opt('data', data);
  const accessList = opt('accessList', (x, what) => {
    if (!Array.isArray(x)) throw invalid(`${what}: expected an array`);
    return x.map((e, i) => {
      const entry = object(e, `${what}[${i}]`);
      const keys = entry.storageKeys ?? [];
      if (!Array.isArray(keys)) throw invalid(`${what}[${i}].storageKeys: expected an array`);
      return { address: data(address(entry.address, `${what}[${i}].address`), 'address'), storageKeys: keys.map((k, j) => hash(k, `${what}[${i}].storageKeys[${j}]`)) };
    });
  });
  const req: CallRequest = {
    from: opt('from', address), to: opt('to', address) ?? null,
    gas: opt('gas', quantity), gasPrice: opt('gasPrice', quantity), maxFeePerGas: opt('maxFeePerGas', quantity),
    maxPriorityFeePerGas: opt('maxPriorityFeePerGas', quantity), value: opt('value', quantity), data: input, accessList,
  };
  if (req.gasPrice !== undefined && req.maxFeePerGas !== undefined) throw invalid('transaction: both gasPrice and maxFeePerGas');
  return req;
}
