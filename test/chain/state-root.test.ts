import { MerklePatriciaTrie } from '@ethereumjs/mpt';
import { RLP } from '@ethereumjs/rlp';
import { bigIntToBytes, bigIntToUnpaddedBytes, setLengthLeft } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { cpuHasher, type BatchHasher } from '../../src/chain/hasher.js';
import { stateRootOf, type StateAccount } from '../../src/chain/state-root.js';
import { xorshift32 } from '../support/xorshift.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The same state put into @ethereumjs/mpt secure tries one entry at a time. */
async function mptStateRoot(accounts: [string, StateAccount][]): Promise<string> {
  const state = new MerklePatriciaTrie({ useKeyHashing: true });
  for (const [addr, a] of accounts) {
    const storage = new MerklePatriciaTrie({ useKeyHashing: true });
    for (const [slot, v] of a.storage) if (v !== 0n) await storage.put(setLengthLeft(bigIntToBytes(slot), 32), RLP.encode(bigIntToUnpaddedBytes(v)));
    await state.put(Buffer.from(addr.slice(2), 'hex'), RLP.encode([bigIntToUnpaddedBytes(a.nonce), bigIntToUnpaddedBytes(a.balance), storage.root(), a.codeHash]));
  }
  return hex(state.root());
}

/** Values at the edges of RLP's scalar forms: zero, single bytes below and at 0x80, whole words. */
function scalar(r: ReturnType<typeof xorshift32>, bits: number): bigint {
  switch (r.below(6)) {
    case 0: return 0n;
    case 1: return BigInt(r.below(0x80));
    case 2: return r.below(2) ? 0x80n : 0x81n + BigInt(r.below(0x7f));
    case 3: return (1n << BigInt(bits)) - 1n;
    default: return BigInt('0x' + hex(r.bytes(1 + r.below(bits / 8))) || '0');
  }
}

function randomState(seed: number, n: number): [string, StateAccount][] {
  const r = xorshift32(seed);
  return Array.from({ length: n }, () => {
    const storage = new Map<bigint, bigint>();
    const slots = r.below(3) === 0 ? r.below(40) : 0;
    for (let s = 0; s < slots; s++) storage.set(scalar(r, 256), scalar(r, 256));
    const code = r.below(2) ? r.bytes(r.below(50)) : new Uint8Array(0);
    return ['0x' + hex(r.bytes(20)), { nonce: scalar(r, 64), balance: scalar(r, 256), codeHash: keccak_256(code), storage }];
  });
}

/** A hasher without the span form: stateRootOf must give the same root through one array per input. */
const arraysOnly: BatchHasher = async (inputs) => cpuHasher(inputs);

describe('stateRootOf', () => {
  for (const [seed, n] of [[1, 1], [2, 5], [3, 60], [4, 400]] as const) {
    it(`equals @ethereumjs/mpt's secure tries: seed ${seed}, ${n} accounts, zero and whole-word values`, async () => {
      const state = randomState(seed, n);
      const want = await mptStateRoot(state);
      expect(hex(await stateRootOf(state))).toBe(want);
      expect(hex(await stateRootOf(state, arraysOnly))).toBe(want);
    });
  }

  it('leaves zero-valued slots out, as the trie deletes them', async () => {
    const a = { nonce: 1n, balance: 0n, codeHash: keccak_256(new Uint8Array(0)), storage: new Map([[1n, 0n], [2n, 5n]]) };
    const b = { ...a, storage: new Map([[2n, 5n]]) };
    expect(hex(await stateRootOf([['0x' + '11'.repeat(20), a]]))).toBe(hex(await stateRootOf([['0x' + '11'.repeat(20), b]])));
    expect(hex(await stateRootOf([['0x' + '11'.repeat(20), a]]))).toBe(await mptStateRoot([['0x' + '11'.repeat(20), b]]));
  });
});
