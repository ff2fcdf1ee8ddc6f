import { KECCAK256_NULL } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { cpuHasher, type BatchHasher } from '../../src/chain/hasher.js';
import type { StateDiff, TxInput } from '../../src/model/shapes.js';
import { bytesToBigint, hexToBytes } from '../../src/primitives/hex.js';
import { Preloader } from '../../src/rollup/preload.js';
import type { ChainState } from '../../src/rollup/state.js';

/** The preload's guesses (rollup/preload.ts): mapping entries learned from one block, asked for by the next. */
const addr = (b: number) => '0x' + b.toString(16).padStart(2, '0').repeat(20);
const TOKEN = addr(0x70);
const [A, B, C, D] = [addr(0xa1), addr(0xb1), addr(0xc1), addr(0xd1)];

/** keccak256(pad32(key) . pad32(base)): a Solidity mapping entry. */
function entry(key: string, base: number): bigint {
  const pre = new Uint8Array(64);
  pre.set(hexToBytes(key), 12);
  pre[63] = base;
  return bytesToBigint(keccak_256(pre));
}

/** A transfer(to, amount) call: the callee's address-shaped calldata word names the recipient. */
function transfer(from: string, to: string): TxInput {
  const data = new Uint8Array(4 + 64);
  data.set(hexToBytes(to), 4 + 12);
  // An amount with high bytes set: not address-shaped.
  data[36] = 1;
  return { kind: 'unsigned', tx: { from: hexToBytes(from), to: hexToBytes(TOKEN), nonce: 0n, gas: 100_000n, gasPrice: 1n, value: 0n, data } as never };
}

/** Every account exists, with storage; every slot holds 1. */
const state = {
  record: () => ({ nonce: 0n, balance: 1n, codeHash: KECCAK256_NULL, storageRoot: KECCAK256_NULL, slots: 10 }),
  storage: () => 1n,
  code: () => new Uint8Array(0),
} as unknown as ChainState;

describe('Preloader', () => {
  it("learns a token's balance mapping from one block and asks for the next block's entries, hashed in one batch", async () => {
    const p = new Preloader();
    const one = [transfer(A, B)];
    const first = await p.preload(state, one, 1n);
    expect([...first.pre.get(TOKEN)!.storage.keys()]).toEqual([]);
    const slot = (k: string) => entry(k, 3);
    const diff: StateDiff = {
      pre: { [TOKEN]: { storage: new Map([[slot(A), 5n], [slot(B), 1n]]) } },
      post: { [TOKEN]: { storage: new Map([[slot(A), 4n], [slot(B), 2n]]) } },
    } as unknown as StateDiff;
    p.learn(one, diff, [], 1n);
    const batches: number[] = [];
    const counting: BatchHasher = (inputs) => {
      batches.push(inputs.length);
      return cpuHasher(inputs);
    };
    const second = await p.preload(state, [transfer(C, D)], 2n, counting);
    // The sender's and the recipient's entries at the learned base (the token's own address is never a key).
    expect(new Set(second.pre.get(TOKEN)!.storage.keys())).toEqual(new Set([entry(C, 3), entry(D, 3)]));
    expect(batches).toHaveLength(1);
    // The same pairs again are known: nothing more to hash, and the same guesses.
    const again = await p.preload(state, [transfer(C, D)], 3n, counting);
    expect(batches).toHaveLength(1);
    expect(new Set(again.pre.get(TOKEN)!.storage.keys())).toEqual(new Set([entry(C, 3), entry(D, 3)]));
  });

  it('learns from the transactions it is given, not from the views of the last preload', async () => {
    const slot = (k: string) => entry(k, 3);
    const diff: StateDiff = {
      pre: { [TOKEN]: { storage: new Map([[slot(C), 5n]]) } },
      post: { [TOKEN]: { storage: new Map([[slot(C), 4n]]) } },
    } as unknown as StateDiff;
    const p = new Preloader();
    await p.preload(state, [transfer(A, B)], 1n);
    // Another block's transactions: C's entry is learned only if learn() reads these.
    p.learn([transfer(C, D)], diff, [], 1n);
    const next = await p.preload(state, [transfer(A, B)], 2n);
    expect(new Set(next.pre.get(TOKEN)!.storage.keys())).toEqual(new Set([entry(A, 3), entry(B, 3)]));
  });

  it('keeps asking for a slot the blocks only read, while they keep calling its contract', async () => {
    const p = new Preloader();
    const EMPTY: StateDiff = { pre: {}, post: {} } as unknown as StateDiff;
    const LOCK = 12n;
    // Blocks 1 and 2 read the slot past the preload (a pair's lock: written and set back, so in no diff).
    for (const n of [1n, 2n]) {
      const pre = await p.preload(state, [transfer(A, B)], n);
      expect(pre.pre.get(TOKEN)!.storage.has(LOCK)).toBe(false);
      p.learn([transfer(A, B)], EMPTY, [[TOKEN, LOCK]], n);
    }
    // From then on the preload holds it, so no block misses it: it must not be forgotten.
    for (let n = 3n; n <= 12n; n++) {
      const pre = await p.preload(state, [transfer(C, D)], n);
      expect(pre.pre.get(TOKEN)!.storage.has(LOCK), `block ${n}`).toBe(true);
      p.learn([transfer(C, D)], EMPTY, [], n);
    }
    // Once no block calls the contract, it is forgotten after a few blocks, as any slot is.
    for (let n = 13n; n <= 18n; n++) {
      await p.preload(state, [], n);
      p.learn([], EMPTY, [], n);
    }
    const later = await p.preload(state, [transfer(C, D)], 19n);
    expect(later.pre.get(TOKEN)!.storage.has(LOCK)).toBe(false);
  });
});
