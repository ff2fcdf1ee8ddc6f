import { describe, expect, it } from 'vitest';
import { KECCAK256_NULL } from '@ethereumjs/util';
import type { Account } from '../../src/model/shapes.js';
import { WorldState } from '../../src/speculation/world-state.js';
import { mapSource } from '../support/state-source.js';

const A = '0x' + '11'.repeat(20);
const B = '0x' + '22'.repeat(20);
const COINBASE = '0x' + 'cc'.repeat(20);
const account = (storage: [bigint, bigint][] = []): Account => ({ nonce: 1n, balance: 5n, code: new Uint8Array(0), storage: new Map(storage) });
const state = (balance: bigint) => ({ nonce: 1n, balance, codeHash: KECCAK256_NULL, code: new Uint8Array(0) });

describe('the committed state as GPU snapshots take it (entries())', () => {
  it('gives each account once per change: unchanged accounts are the same objects, a write makes a new one', () => {
    const w = new WorldState(new Map([[A, account([[1n, 7n]])], [B, account()]]));
    const first = new Map(w.entries());
    expect(new Map(w.entries()).get(A)).toBe(first.get(A));
    w.apply({ wiped: [], storage: [], accounts: [[B, state(6n)]], coinbaseDelta: 3n }, COINBASE);
    const second = new Map(w.entries());
    // A untouched; B written; the coinbase paid into existence.
    expect(second.get(A)).toBe(first.get(A));
    expect(second.get(B)).not.toBe(first.get(B));
    expect(second.get(B)!.balance).toBe(6n);
    expect(second.get(COINBASE)!.balance).toBe(3n);
    expect(first.has(COINBASE)).toBe(false);
  });

  it("merges an account's storage again once it changed, leaving earlier snapshots as they were", () => {
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
    // Deleted: gone from the snapshot.
    w.apply({ wiped: [], storage: [], accounts: [[A, null]] }, COINBASE);
    expect(new Map(w.entries()).has(A)).toBe(false);
  });

  it('with a source, holds what was read through it: a rerun wave sees what validation loaded', () => {
    const whole = new Map([[A, account([[1n, 7n], [2n, 8n]])], [B, account([[5n, 6n]])]]);
    const w = new WorldState(new Map([[A, account([[1n, 7n]])]]), mapSource(whole));
    expect([...new Map(w.entries()).keys()]).toEqual([A]);
    const before = new Map(w.entries()).get(A)!;
    expect(w.storage(A, 2n)).toBe(8n);
    expect(w.storage(B, 5n)).toBe(6n);
    expect(w.account(B)!.balance).toBe(5n);
    // Absent from the source: read once, and not in the snapshot.
    expect(w.account(COINBASE)).toBeUndefined();
    const after = new Map(w.entries());
    expect([...after.keys()]).toEqual([A, B]);
    expect([...after.get(A)!.storage]).toEqual([[1n, 7n], [2n, 8n]]);
    expect([...after.get(B)!.storage]).toEqual([[5n, 6n]]);
    // The earlier snapshot is left as it was; writes still lie over what was loaded.
    expect([...before.storage]).toEqual([[1n, 7n]]);
    w.apply({ wiped: [], storage: [[B, [[5n, 0n]]]], accounts: [] }, COINBASE);
    expect([...new Map(w.entries()).get(B)!.storage]).toEqual([[5n, 0n]]);
  });
});
