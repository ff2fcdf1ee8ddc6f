import { describe, expect, it } from 'vitest';
import { serialize, deserialize } from 'node:v8';
import { KECCAK256_NULL } from '@ethereumjs/util';
import { leaveOutReadCode, type TxReads, type TxWrites } from '../../src/speculation/access-sets.js';
import { codeHash } from '../../src/primitives/code-hash.js';
import { WorldState } from '../../src/speculation/world-state.js';
import { packLogs, unpackLogs } from '../../src/speculation/workers/posting.js';
import type { RawLog } from '../../src/engine/executed-tx.js';

/**
 * Writes posted from a worker or exec thread leave out the code the transaction only
 * read (access-sets.ts: leaveOutReadCode); the receiving state puts its own array back.
 */
const POOL = '0x' + '11'.repeat(20);
const CREATED = '0x' + '22'.repeat(20);
const SENDER = '0x' + '33'.repeat(20);
const code = new Uint8Array(11_000).fill(0x5b);
const hash = codeHash(code);
const fresh = new Uint8Array([0x60, 0x00, 0x00]);

const reads: TxReads = {
  accounts: [[POOL, { nonce: 1n, balance: 0n, codeHash: hash, storageEmpty: false }], [CREATED, null], [SENDER, { nonce: 0n, balance: 9n, codeHash: KECCAK256_NULL, storageEmpty: true }]],
  storage: [],
};
const writes: TxWrites = {
  wiped: [],
  storage: [[POOL, [[1n, 2n]]]],
  accounts: [
    [POOL, { nonce: 1n, balance: 5n, codeHash: hash, code: code.slice() }],
    [CREATED, { nonce: 1n, balance: 0n, codeHash: codeHash(fresh), code: fresh }],
    [SENDER, { nonce: 1n, balance: 4n, codeHash: KECCAK256_NULL, code: new Uint8Array(0) }],
  ],
};

describe('writes posted across threads', () => {
  it('leave out only code the transaction read under the same hash: the message shrinks by it', () => {
    const posted = leaveOutReadCode(writes, reads);
    const [pool, created, sender] = posted.accounts.map(([, a]) => a!);
    expect(pool.code.length).toBe(0);
    expect(pool.codeHash).toEqual(hash);
    expect(created.code).toBe(fresh);
    expect(sender.code.length).toBe(0);
    expect(serialize(writes).length - serialize(posted).length).toBeGreaterThanOrEqual(code.length);
    // The original is untouched (the exec thread lays it over its own copy of the state).
    expect(writes.accounts[0][1]!.code.length).toBe(code.length);
  });

  it("are applied with the receiver's own code array", () => {
    const world = new WorldState(new Map([[POOL, { nonce: 1n, balance: 0n, code, storage: new Map() }], [SENDER, { nonce: 0n, balance: 9n, code: new Uint8Array(0), storage: new Map() }]]));
    world.apply(deserialize(serialize(leaveOutReadCode(writes, reads))) as TxWrites, '0x' + 'cc'.repeat(20));
    expect(world.account(POOL)!.code).toBe(code);
    expect(world.account(POOL)!.balance).toBe(5n);
    expect(world.account(CREATED)!.code).toEqual(fresh);
  });

  it('fail loudly where the receiver does not hold the code left out', () => {
    const world = new WorldState(new Map());
    expect(() => world.apply(leaveOutReadCode(writes, reads), '0x' + 'cc'.repeat(20))).toThrow(/left out the code/);
  });
});

describe('logs posted across threads, as one byte string', () => {
  it('come back equal, each array its own: no topics to four, empty and long data', () => {
    const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
    const logs: RawLog[] = [0, 1, 2, 3, 4].map((topics, k) => [bytes(20, k), Array.from({ length: topics }, (_, t) => bytes(32, 10 * k + t)), bytes([0, 1, 31, 300, 70_000][k], k)]);
    const packed = packLogs(logs);
    expect(packed.length).toBe(logs.reduce((n, [, t, d]) => n + 25 + 32 * t.length + d.length, 0));
    const back = unpackLogs(deserialize(serialize(packed)) as Uint8Array);
    expect(back).toEqual(logs);
    for (const [address, topics, data] of back) for (const a of [address, ...topics, data]) expect(a.byteLength).toBe(a.buffer.byteLength);
    expect(unpackLogs(packLogs([]))).toEqual([]);
  });
});
