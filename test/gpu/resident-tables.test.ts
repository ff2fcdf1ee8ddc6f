import { afterAll, describe, expect, it } from 'vitest';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { GpuAccountState, GpuCall, GpuStateSnapshot } from '../../src/gpu/abi.js';
import { closeTestGpu } from '../support/gpu.js';
import { asm, customExecutor, gpuBlock, gpuCall } from './interpreter-harness.js';
import { ACCOUNT, ACCOUNT_STORAGE, SLOT } from '../../src/gpu/layout.js';
import { ResidentTables } from '../../src/gpu/resident-tables.js';
import type { BaseTables } from '../../src/gpu/state-tables.js';
import { getAddress, getU256, hashAddress, hashSlot, putAddress, putU256 } from '../../src/gpu/words.js';

// What the kernel reads (kernels/interpreter/state.wgsl): the entry of an address, found
// by probing, and a slot's value, zero when absent.
function entryOf(t: BaseTables, addr: string): number | undefined {
  const key = new Uint32Array(8);
  putAddress(key, 0, Buffer.from(addr.slice(2), 'hex'));
  for (let i = hashAddress(key, 0) & (t.accountSlots - 1); ; i = (i + 1) & (t.accountSlots - 1)) {
    const e = i * ACCOUNT.words;
    if (t.words[e + ACCOUNT.offset.used] === 0) return undefined;
    if (Buffer.from(getAddress(t.words, e + ACCOUNT.offset.address)).toString('hex') === addr.slice(2)) return e;
  }
}

function slotOf(t: BaseTables, tag: number, slot: bigint): bigint {
  const key = new Uint32Array(8);
  putU256(key, 0, slot);
  const at = t.accountSlots * ACCOUNT.words;
  for (let i = hashSlot(tag, key, 0) & (t.slotSlots - 1); ; i = (i + 1) & (t.slotSlots - 1)) {
    const e = at + i * SLOT.words;
    const owner = t.words[e + SLOT.offset.account];
    if (owner === 0) return 0n;
    if (owner === tag && getU256(t.words, e + SLOT.offset.key) === slot) return getU256(t.words, e + SLOT.offset.value);
  }
}

/**
 * The tables hold exactly `snapshot`: every account's fields, every slot, and nothing of
 * an account that is not there: no entry, or one the kernel reads as absent (every field
 * zero, every slot zero).
 */
function expectHolds(t: BaseTables, snapshot: GpuStateSnapshot, gone: [string, bigint[]][] = []): void {
  for (const [addr, a] of snapshot.accounts) {
    const e = entryOf(t, addr);
    expect(e, addr).toBeDefined();
    expect(getU256(t.words, e! + ACCOUNT.offset.balance)).toBe(a.balance);
    expect(t.words[e! + ACCOUNT.offset.nonce]).toBe(Number(a.nonce));
    expect(t.words[e! + ACCOUNT.offset.runLen]).toBe(a.code.length);
    expect(t.words[e! + ACCOUNT.offset.slotTag]).toBe(e! / ACCOUNT.words + 1);
    const nonEmpty = [...a.storage.values()].some((v) => v !== 0n);
    expect((t.words[e! + ACCOUNT.offset.flags] & ACCOUNT_STORAGE) !== 0, `${addr} storage flag`).toBe(nonEmpty);
    for (const [slot, v] of a.storage) expect(slotOf(t, e! / ACCOUNT.words + 1, slot), `${addr}[${slot}]`).toBe(v);
  }
  for (const [addr, slots] of gone) {
    const e = entryOf(t, addr);
    if (e === undefined) continue;
    for (let k = ACCOUNT.offset.balance; k < ACCOUNT.words; k++) if (k !== ACCOUNT.offset.slotTag) expect(t.words[e + k], `${addr} word ${k}`).toBe(0);
    for (const slot of slots) expect(slotOf(t, t.words[e + ACCOUNT.offset.slotTag], slot), `${addr}[${slot}]`).toBe(0n);
  }
}

const address = (i: number) => `0x${(0x1000 + i).toString(16).padStart(40, '0')}`;
const code = new Uint8Array([0x60, 0x01, 0x5b, 0x00]);
function account(balance: bigint, storage: [bigint, bigint][] = [], withCode = false): GpuAccountState {
  const c = withCode ? code : new Uint8Array(0);
  return { balance, nonce: 1n, code: c, codeHash: keccak_256(c), storage: new Map(storage) };
}

describe('resident state tables', () => {
  it('patches changed accounts and slots, and reads exactly like tables built afresh', () => {
    const r = new ResidentTables('Prague');
    const accounts = new Map<string, GpuAccountState>();
    for (let i = 0; i < 40; i++) accounts.set(address(i), account(BigInt(i), [[1n, BigInt(i + 1)], [2n, 7n]], i % 3 === 0));
    let snap: GpuStateSnapshot = { accounts: new Map(accounts) };
    expectHolds(r.update(snap), snap);
    expect(r.counts).toMatchObject({ builds: 1, patches: 0 });

    // A balance change sharing the storage map, a slot changed, a slot cleared, a slot
    // added, storage wiped to one new slot, and a new account with storage.
    const next = new Map(snap.accounts);
    next.set(address(1), { ...next.get(address(1))!, balance: 99n });
    next.set(address(2), { ...next.get(address(2))!, storage: new Map([[1n, 5n], [2n, 7n]]) });
    next.set(address(3), { ...next.get(address(3))!, storage: new Map([[1n, 4n], [2n, 0n]]) });
    next.set(address(4), { ...next.get(address(4))!, storage: new Map([[1n, 5n], [2n, 7n], [3n, 9n]]) });
    next.set(address(6), { ...next.get(address(6))!, storage: new Map([[8n, 8n]]) });
    next.set(address(50), account(50n, [[1n, 1n]], true));
    snap = { accounts: next };
    expectHolds(r.update(snap), snap);
    expect(r.counts).toMatchObject({ builds: 1, patches: 1 });
    expect(slotOf(r.update(snap), 7, 2n)).toBe(0n);

    // An account that leaves the snapshot stays in the table as an entry of zeros, its
    // slots zeroed: patched, not built whole. Back in a later snapshot, it reads as given.
    const fewer = new Map(snap.accounts);
    const five = fewer.get(address(5))!;
    fewer.delete(address(5));
    snap = { accounts: fewer };
    expectHolds(r.update(snap), snap, [[address(5), [1n, 2n]]]);
    expect(r.counts).toMatchObject({ builds: 1, patches: 2 });
    const again = new Map(fewer).set(address(5), { ...five, storage: new Map([[2n, 3n]]) });
    snap = { accounts: again };
    expectHolds(r.update(snap), snap);
    expect(slotOf(r.update(snap), entryOf(r.update(snap), address(5))! / ACCOUNT.words + 1, 1n)).toBe(0n);
    expect(r.counts).toMatchObject({ builds: 1, patches: 3 });

    // Objects made anew with the same fields and slots: nothing to write, no new version.
    const same = new Map(again);
    for (const k of [address(1), address(5), address(9)]) same.set(k, { ...again.get(k)!, storage: new Map(again.get(k)!.storage) });
    const before = r.update(snap).patches;
    const accountsWritten = r.counts.accountsWritten;
    snap = { accounts: same };
    expectHolds(r.update(snap), snap);
    expect(r.update(snap).patches).toBe(before);
    expect(r.counts.accountsWritten).toBe(accountsWritten);
    expect(r.counts).toMatchObject({ builds: 1, patches: 3 });
  });

  it('builds whole when a patch would fill the table past half, and the code prefix only grows', () => {
    const r = new ResidentTables('Prague');
    const accounts = new Map<string, GpuAccountState>([[address(0), account(1n, [], true)]]);
    let snap: GpuStateSnapshot = { accounts: new Map(accounts) };
    r.update(snap);
    const prefix = r.codeWords().length;
    for (let i = 1; i < 300; i++) {
      accounts.set(address(i), account(BigInt(i), [[BigInt(i), 1n]], i % 2 === 0));
      snap = { accounts: new Map(accounts) };
      expectHolds(r.update(snap), snap);
    }
    expect(r.counts.builds).toBeGreaterThan(1);
    expect(r.counts.patches).toBeGreaterThan(r.counts.builds);
    // One code for every account: placed once, where the first build put it.
    expect(r.codeWords().length).toBe(prefix);
  });
});

describe('the executor\'s state buffer over resident tables', () => {
  afterAll(() => closeTestGpu());

  it('uploads the base tables when they changed, and keeps them between dispatches of the same version', async () => {
    const ex = await customExecutor({});
    const target = address(7);
    // SLOAD slot 1, then stop: the value read comes back in storageReads.
    const call: GpuCall = { ...gpuCall({ name: 'sload', code: asm('PUSH1 1 SLOAD POP STOP') }, 0), address: Buffer.from(target.slice(2), 'hex') };
    const lineage = {};
    // Other accounts, so that a change of one is patched in place rather than built whole.
    const others: [string, GpuAccountState][] = Array.from({ length: 8 }, (_, i) => [address(20 + i), account(1n)]);
    const withSlot = (v: bigint): GpuStateSnapshot => ({ accounts: new Map([...others, [target, { ...account(0n, [[1n, v]]), code: call.code, codeHash: keccak_256(call.code) }]]), lineage });
    const read = async (snap: GpuStateSnapshot) => (await ex.execute(gpuBlock({ fork: 'Prague' }), snap, [call]))[0].storageReads.map((r) => r.value);
    const first = withSlot(5n);
    expect(await read(first)).toEqual([5n]);
    // The same snapshot (a wave's next group or host round), then an equal one: the buffer already holds them.
    expect(await read(first)).toEqual([5n]);
    expect(await read({ ...first, accounts: new Map(first.accounts) })).toEqual([5n]);
    // The slot patched in place: uploaded again.
    expect(await read(withSlot(9n))).toEqual([9n]);
    // Another lineage, then back to this one, patched again.
    expect(await read({ ...withSlot(3n), lineage: {} })).toEqual([3n]);
    expect(await read(withSlot(11n))).toEqual([11n]);
  }, 120_000);
});

describe('the executor\'s blob buffer over a lineage\'s code prefix', () => {
  afterAll(() => closeTestGpu());

  it('uploads the prefix past what it holds, and all of it again after a dispatch without it', async () => {
    const ex = await customExecutor({});
    const store = (v: number) => asm(`PUSH1 ${v} PUSH1 0 SSTORE STOP`);
    const callOf = (i: number, code: Uint8Array): GpuCall => ({ ...gpuCall({ name: `store`, code }, i), address: Buffer.from(address(30 + i).slice(2), 'hex') });
    const lineage = {};
    const snap = (codes: Uint8Array[], l?: object): GpuStateSnapshot => ({
      accounts: new Map([...Array.from({ length: 8 }, (_, i): [string, GpuAccountState] => [address(20 + i), account(1n)]), ...codes.map((c, i): [string, GpuAccountState] => [address(30 + i), { ...account(0n), code: c, codeHash: keccak_256(c) }])]),
      ...(l ? { lineage: l } : {}),
    });
    const stored = async (codes: Uint8Array[], l?: object) =>
      (await ex.execute(gpuBlock({ fork: 'Prague' }), snap(codes, l), codes.map((c, i) => callOf(i, c)))).map((r) => r.storageWrites.map((w) => Number(w.value)));
    expect(await stored([store(0xaa)], lineage)).toEqual([[0xaa]]);
    // Without a lineage, the dispatch's own code starts the blob, where the prefix was.
    expect(await stored([store(0xbb)])).toEqual([[0xbb]]);
    expect(await stored([store(0xaa)], lineage)).toEqual([[0xaa]]);
    // A new code grows the prefix: only its end is uploaded, and both codes run.
    expect(await stored([store(0xaa), store(0xcc)], lineage)).toEqual([[0xaa], [0xcc]]);
  }, 120_000);
});
