import { RLP } from '@ethereumjs/rlp';
import { keccak256 } from '../primitives/keccak.js';
import { cpuHasher, type BatchHasher } from '../chain/hasher.js';
import type { Account, StateDiff, TxInput } from '../model/shapes.js';
import { bytesToBigint, bytesToHex } from '../primitives/hex.js';
import type { ChainState } from './state.js';

/**
 * What a block's transactions will read, guessed before they run, so that the batch's
 * `pre` holds it and speculative runs (the GPU wave, CPU workers: they see `pre` alone)
 * hold when validated; anything missed is read on demand through the state source on
 * the main thread, exactly, at the cost of re-executing the run that missed it.
 *
 * Predicted: each transaction's sender, callee (with its code) and the addresses in its
 * calldata and access list, the access list's slots; the hot slots (seen in two blocks
 * or more of late) of the contracts a transaction reaches (its callee, and those its
 * callee's transactions touched before); and mapping entries: when a transaction to C touched, in contract
 * D, the slot keccak(address . base) for one of its own addresses (ERC-20 balances,
 * Uniswap's token balances), later transactions to C get the slots at that base keyed
 * by their own addresses. Signed transactions' senders are not known until recovered,
 * so they are not predicted.
 */
export interface Preloaded {
  pre: Map<string, Account>;
  accounts: number;
  slots: number;
}

interface TxView {
  from?: string;
  to?: string;
  /** Addresses the transaction names: sender, callee, calldata words, access list. */
  addresses: string[];
  slots: [string, bigint][];
}

/** Mapping bases tried when learning: Solidity lays out a contract's first mappings at small slots. */
const BASES = 16;
/** Transactions learned from per block, and per callee overall. */
const LEARN_PER_BLOCK = 64;
const LEARN_PER_CALLEE = 8;
const RECENT_PER_CONTRACT = 128;
const RECENT_BLOCKS = 4n;

export class Preloader {
  /** callee -> contract -> mapping bases its transactions touched. */
  private readonly mappings = new Map<string, Map<string, Set<number>>>();
  private readonly learnedFrom = new Map<string, number>();
  /** contract -> slot -> the last block it was seen in, and in how many blocks. */
  private readonly recent = new Map<string, Map<bigint, { last: bigint; blocks: number }>>();
  /** The recent slots the last preload asked for, and its block (learn() keeps them known). */
  private asked: { number: bigint; slots: Set<{ last: bigint }> } = { number: -1n, slots: new Set() };
  /** The last block's transactions and their views: learn() comes after preload() with the same array. */
  private viewed: { txs: TxInput[]; views: TxView[] } | undefined;
  private readonly slots = new MappingSlots();

  /**
   * The block's guessed reads. The mapping slots it guesses, and those learn() will try
   * after the block, are hashed first, in one batch of `hash` (the engine's hasher: a GPU
   * dispatch where it has one).
   */
  async preload(state: ChainState, txs: TxInput[], number: bigint, hash: BatchHasher = cpuHasher): Promise<Preloaded> {
    const views = this.views(txs);
    await this.slots.hashMissing(this.guessedPairs(views), hash);
    const want = new Map<string, Set<bigint>>();
    const asked = new Set<{ last: bigint }>();
    this.asked = { number, slots: asked };
    const ask = (addr: string, slot?: bigint) => {
      let s = want.get(addr);
      if (!s) want.set(addr, (s = new Set()));
      if (slot !== undefined) s.add(slot);
    };
    // The contracts the block reaches, each once: a block's transactions mostly share a few.
    const reached = new Set<string>();
    for (const v of views) {
      for (const a of v.addresses) ask(a);
      for (const [a, slot] of v.slots) ask(a, slot);
      if (!v.to) continue;
      reached.add(v.to);
      for (const [c, bases] of this.mappings.get(v.to) ?? []) {
        reached.add(c);
        // Keyed by the contract itself (a token's balance of itself) is rare: not guessed.
        for (const base of bases) for (const a of v.addresses) if (a !== c) ask(c, this.slots.slot(a, base));
      }
    }
    for (const c of reached) {
      for (const [slot, seen] of this.recent.get(c) ?? []) {
        if (seen.blocks < 2) continue;
        ask(c, slot);
        asked.add(seen);
      }
    }
    const pre = new Map<string, Account>();
    let slots = 0;
    for (const [addr, wanted] of want) {
      const r = state.record(addr);
      if (!r) continue;
      const storage = new Map<bigint, bigint>();
      if (r.slots > 0) for (const slot of wanted) storage.set(slot, state.storage(addr, slot));
      slots += storage.size;
      pre.set(addr, { nonce: r.nonce, balance: r.balance, code: state.code(r.codeHash), storage });
    }
    return { pre, accounts: pre.size, slots };
  }

  /** After a block: the slots it touched (written, or read on demand: `missed`) teach what the next blocks will want. */
  learn(txs: TxInput[], diff: StateDiff, missed: Iterable<[string, bigint]>, number: bigint): void {
    const touched = new Map<bigint, string[]>();
    const touch = (addr: string, slot: bigint) => {
      const at = touched.get(slot);
      if (at) at.push(addr);
      else touched.set(slot, [addr]);
      let r = this.recent.get(addr);
      if (!r) this.recent.set(addr, (r = new Map()));
      const seen = r.get(slot);
      r.delete(slot);
      r.set(slot, { last: number, blocks: seen && seen.last !== number ? seen.blocks + 1 : seen?.blocks ?? 1 });
      if (r.size > RECENT_PER_CONTRACT) r.delete(r.keys().next().value!);
    };
    for (const side of [diff.pre, diff.post]) for (const [addr, a] of Object.entries(side)) for (const slot of a.storage?.keys() ?? []) touch(addr, slot);
    for (const [addr, slot] of missed) touch(addr, slot);
    for (const v of this.learnedViews(this.views(txs))) {
      this.learnedFrom.set(v.to, (this.learnedFrom.get(v.to) ?? 0) + 1);
      for (const a of v.addresses) {
        for (let base = 0; base < BASES; base++) {
          for (const c of touched.get(this.slots.slot(a, base)) ?? []) {
            let m = this.mappings.get(v.to);
            if (!m) this.mappings.set(v.to, (m = new Map()));
            let bases = m.get(c);
            if (!bases) m.set(c, (bases = new Set()));
            bases.add(base);
          }
        }
      }
    }
    // A slot the block's transactions only read (a pair's tokens, a lock set back) is
    // seen in no diff, and read from the preload it is never missed: while the block
    // reached its contract, it stays known (without this, such slots were forgotten
    // every few blocks and missed again on every pair at once).
    if (this.asked.number === number) for (const seen of this.asked.slots) seen.last = number;
    // The block's transactions are not kept past their block.
    this.viewed = undefined;
    // What a rollback undid may never come back: forget slots not seen for a while.
    for (const [c, r] of this.recent) {
      for (const [slot, seen] of r) if (seen.last + RECENT_BLOCKS < number) r.delete(slot);
      if (r.size === 0) this.recent.delete(c);
    }
  }

  /** The (address, base) pairs a preload of `views` asks for, and those learn() will try after the block. */
  private *guessedPairs(views: TxView[]): Generator<[string, number]> {
    for (const v of views) {
      if (!v.to) continue;
      for (const [c, bases] of this.mappings.get(v.to) ?? []) for (const base of bases) for (const a of v.addresses) if (a !== c) yield [a, base];
    }
    for (const v of this.learnedViews(views)) for (const a of v.addresses) for (let base = 0; base < BASES; base++) yield [a, base];
  }

  /** The transactions' views: preload's, again for learn() on the same block (the same array). */
  private views(txs: TxInput[]): TxView[] {
    if (this.viewed?.txs !== txs) this.viewed = { txs, views: txs.map(view) };
    return this.viewed.views;
  }

  /** The transactions learn() learns from: LEARN_PER_BLOCK of them, at most LEARN_PER_CALLEE per callee overall. */
  private learnedViews(views: TxView[]): (TxView & { to: string })[] {
    const out: (TxView & { to: string })[] = [];
    const taken = new Map<string, number>();
    for (const v of views) {
      if (out.length === LEARN_PER_BLOCK) break;
      if (!v.to) continue;
      const n = (this.learnedFrom.get(v.to) ?? 0) + (taken.get(v.to) ?? 0);
      if (n >= LEARN_PER_CALLEE) continue;
      taken.set(v.to, (taken.get(v.to) ?? 0) + 1);
      out.push({ ...v, to: v.to });
    }
    return out;
  }
}

/**
 * Mapping slots computed lately: a block's preload and the learning after it hash the same
 * (address, base) pairs, as do the transactions of a block that name the same pool or token.
 * A pure function's answers, so only time depends on what is kept; emptied when full.
 * Kept by address, then base: a block asks for tens of thousands of pairs, and a key
 * string made for each cost more than the lookup.
 */
const MAPPING_MEMO = 65_536;

class MappingSlots {
  private readonly rows = new Map<string, (bigint | undefined)[]>();
  private size = 0;

  known(addr: string, base: number): bigint | undefined {
    return this.rows.get(addr)?.[base];
  }

  /** keccak256(pad32(key) . pad32(base)): a Solidity `mapping(address => ...)` entry at slot `base`. */
  slot(addr: string, base: number): bigint {
    const known = this.known(addr, base);
    if (known !== undefined) return known;
    const slot = bytesToBigint(keccak256(mappingInput(addr, base)));
    this.remember(addr, base, slot);
    return slot;
  }

  /** Hashes the pairs not known yet in one batch of `hash` (a GPU dispatch where the engine has one). */
  async hashMissing(pairs: Iterable<[string, number]>, hash: BatchHasher): Promise<void> {
    const missing = new Map<string, Set<number>>();
    let count = 0;
    for (const [addr, base] of pairs) {
      if (this.known(addr, base) !== undefined || count >= MAPPING_MEMO) continue;
      let bases = missing.get(addr);
      if (!bases) missing.set(addr, (bases = new Set()));
      if (bases.has(base)) continue;
      bases.add(base);
      count++;
    }
    if (count === 0) return;
    const inputs: Uint8Array[] = [];
    for (const [addr, bases] of missing) for (const base of bases) inputs.push(mappingInput(addr, base));
    const digests = await hash(inputs);
    let i = 0;
    for (const [addr, bases] of missing) for (const base of bases) this.remember(addr, base, bytesToBigint(digests[i++]));
  }

  private remember(addr: string, base: number, slot: bigint): void {
    if (this.size >= MAPPING_MEMO) {
      this.rows.clear();
      this.size = 0;
    }
    let row = this.rows.get(addr);
    if (!row) this.rows.set(addr, (row = new Array<bigint | undefined>(BASES)));
    if (row[base] === undefined) this.size++;
    row[base] = slot;
  }
}

function mappingInput(addr: string, base: number): Uint8Array {
  const pre = new Uint8Array(64);
  pre.set(Buffer.from(addr.slice(2), 'hex'), 12);
  pre[63] = base;
  return pre;
}

/** Field positions of `to`, `data` and `accessList` in a signed transaction's RLP list, by type. */
const RAW_FIELDS: Record<number, [number, number, number | undefined]> = { 0: [3, 5, undefined], 1: [4, 6, 7], 2: [5, 7, 8], 3: [5, 7, 8], 4: [5, 7, 8] };

function view(input: TxInput): TxView {
  let from: string | undefined;
  let to: Uint8Array | null | undefined;
  let data: Uint8Array | undefined;
  let accessList: [Uint8Array, Uint8Array[]][] = [];
  if (input.kind === 'unsigned') {
    from = bytesToHex(input.tx.from);
    to = input.tx.to;
    data = input.tx.data;
    accessList = input.tx.accessList?.map((e) => [e.address, e.storageKeys]) ?? [];
  } else {
    try {
      const typed = input.raw[0] < 0x80;
      const fields = RLP.decode(typed ? input.raw.subarray(1) : input.raw) as unknown[];
      const [ti, di, ai] = RAW_FIELDS[typed ? input.raw[0] : 0] ?? [];
      if (ti !== undefined) {
        to = fields[ti] as Uint8Array;
        data = fields[di!] as Uint8Array;
        if (ai !== undefined) accessList = fields[ai] as [Uint8Array, Uint8Array[]][];
      }
    } catch {
      // Undecodable: the engine rejects it.
    }
  }
  const addresses: string[] = [];
  if (from) addresses.push(from);
  const toHex = to && to.length === 20 ? bytesToHex(to) : undefined;
  if (toHex) addresses.push(toHex);
  // Address-shaped calldata words (12 zero bytes, then 20 not all zero), after the selector.
  for (let o = 4; data && o + 32 <= data.length && o < 4 + 32 * 8; o += 32) {
    let zero = true;
    for (let i = 0; i < 12 && zero; i++) zero = data[o + i] === 0;
    if (zero && data.subarray(o + 12, o + 32).some((b) => b !== 0)) addresses.push(bytesToHex(data.subarray(o + 12, o + 32)));
  }
  const slots: [string, bigint][] = [];
  for (const [address, keys] of accessList) {
    if (!(address instanceof Uint8Array) || address.length !== 20) continue;
    const a = bytesToHex(address);
    addresses.push(a);
    for (const k of keys) if (k instanceof Uint8Array) slots.push([a, bytesToBigint(k)]);
  }
  return { from, to: toHex, addresses, slots };
}
