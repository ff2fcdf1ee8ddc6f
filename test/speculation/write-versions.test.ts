import { describe, expect, it } from 'vitest';
import { KECCAK256_NULL } from '@ethereumjs/util';
import type { Account } from '../../src/model/shapes.js';
import { WorldState } from '../../src/speculation/world-state.js';

const A = '0x' + '11'.repeat(20);
const B = '0x' + '22'.repeat(20);
const COINBASE = '0x' + 'cc'.repeat(20);
const account = (storage: [bigint, bigint][] = []): Account => ({ nonce: 1n, balance: 5n, code: new Uint8Array(0), storage: new Map(storage) });
const state = (balance: bigint) => ({ nonce: 1n, balance, codeHash: KECCAK256_NULL, code: new Uint8Array(0) });

describe('the committed state remembers when storage was written', () => {
  it('marks storage with the commit that wrote a slot of it or wiped it', () => {
    const w = new WorldState(new Map([[A, account([[1n, 7n]])], [B, account()]]));
    const v0 = w.versions.now;
    w.apply({ wiped: [], storage: [[A, [[2n, 9n]]]], accounts: [] }, COINBASE);
    const v1 = w.versions.now;
    expect(v1).toBe(v0 + 1);
    expect(w.versions.storageSince(A, v0)).toBe(true);
    expect(w.versions.storageSince(A, v1)).toBe(false);

    // Accounts written, the coinbase paid: no storage changed.
    w.apply({ wiped: [], storage: [], accounts: [[B, state(6n)]], coinbaseDelta: 3n }, COINBASE);
    expect(w.versions.storageSince(B, v1)).toBe(false);
    expect(w.versions.storageSince(A, v1)).toBe(false);

    const v2 = w.versions.now;
    w.apply({ wiped: [A], storage: [], accounts: [] }, COINBASE);
    expect(w.versions.storageSince(A, v2)).toBe(true);
  });

  it('snapshots see each commit: entries() merges an account again once its storage changed', () => {
    const w = new WorldState(new Map([[A, account([[1n, 7n]])]]));
    w.apply({ wiped: [], storage: [[A, [[2n, 9n]]]], accounts: [] }, COINBASE);
    const first = new Map(w.entries()).get(A)!.storage;
    expect([...first]).toEqual([[1n, 7n], [2n, 9n]]);
    // Unchanged since: the same merged map.
    expect(new Map(w.entries()).get(A)!.storage).toBe(first);
    w.apply({ wiped: [], storage: [[A, [[1n, 0n]]]], accounts: [] }, COINBASE);
    const second = new Map(w.entries()).get(A)!.storage;
    expect([...second]).toEqual([[1n, 0n], [2n, 9n]]);
    // The earlier snapshot is left as it was.
    expect([...first]).toEqual([[1n, 7n], [2n, 9n]]);
    w.apply({ wiped: [A], storage: [[A, [[3n, 4n]]]], accounts: [] }, COINBASE);
    expect([...new Map(w.entries()).get(A)!.storage]).toEqual([[3n, 4n]]);
  });
});
