import { afterAll, describe, expect, it } from 'vitest';
import { closeTestGpu } from '../support/gpu.js';
import { outcomeName } from '../../src/evm/outcome.js';
import { regions } from '../../src/gpu/layout.js';
import { limits } from '../../src/gpu/limits.js';
import { addr, asm, customExecutor, diff, gpuBlock, gpuCall, hex, noMismatches, TARGET, type Case } from './interpreter-harness.js';

/**
 * End to end through the executor, then what it reports beyond the EVM's own result:
 * the read and write sets the conflict validator needs, create frames, and dispatches
 * split into chunks that share scratch memory.
 */
afterAll(() => closeTestGpu());

/** Returns the top of the stack as 32 bytes. */
const ret = (body: string) => asm(`${body} PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN`);

const accountOf = (balance: bigint, storage: [bigint, bigint][] = []) => ({ balance, nonce: 1n, code: new Uint8Array(0), codeHash: new Uint8Array(32), storage: new Map(storage) });

describe('interpreter kernel: end to end', () => {
  it('STOP, PUSH, arithmetic and RETURN match the reference', async () => {
    const cases: Case[] = [
      { name: 'STOP', code: asm('STOP') },
      { name: 'empty code', code: new Uint8Array(0) },
      { name: 'ADD', code: ret('PUSH 3 PUSH 5 ADD') },
      { name: 'SUB wraps', code: ret('PUSH 5 PUSH 3 SUB') },
      { name: 'MUL', code: ret('PUSH 0xffffffffffff PUSH 0xffffffffffffff MUL') },
      { name: 'DIV', code: ret('PUSH 7 PUSH 100 DIV') },
      { name: 'PUSH32', code: ret('PUSH32 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20') },
      { name: 'PUSH past end of code', code: asm('PUSH 1 PUSH 2 0x7f0102') },
      { name: 'RETURN empty', code: asm('PUSH 0 PUSH 0 RETURN') },
    ];
    const { mismatches } = await diff({ fork: 'Prague' }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
  });
});

describe('interpreter kernel: read and write sets', () => {
  it('reports storage reads with their snapshot values, final writes, and account reads', async () => {
    const ex = await customExecutor({});
    const other = addr(0xbeef);
    const code = asm([
      'PUSH 1 SLOAD POP', // read slot 1 (snapshot 11)
      'PUSH 5 PUSH 2 SSTORE', // write slot 2 (snapshot 22): read too, its gas depends on it
      'PUSH 6 PUSH 2 SSTORE', // last write wins
      'PUSH 0 PUSH 3 SSTORE', // write of the snapshot value (0): still reported
      'PUSH 0xbeef BALANCE POP SELFBALANCE POP',
      'PUSH 0 PUSH 0 PUSH 0 PUSH 0xf00d EXTCODECOPY', // zero length: warms, reads nothing
      'STOP',
    ].join(' '));
    const call = gpuCall({ name: 'sets', code }, 0);
    const state = { accounts: new Map([[`0x${hex(TARGET(0))}`, accountOf(5n, [[1n, 11n], [2n, 22n]])], [`0x${hex(other)}`, accountOf(7n)]]) };
    const [r] = await ex.execute(gpuBlock({ fork: 'Prague' }), state, [call]);
    expect(outcomeName(r.outcome)).toBe('Stop');
    const slots = (xs: { slot: bigint; value: bigint }[]) => xs.map((x) => `${x.slot}=${x.value}`);
    expect(slots(r.storageReads)).toEqual(['1=11', '2=22', '3=0']);
    expect(slots(r.storageWrites)).toEqual(['2=6', '3=0']);
    expect(r.storageWrites.every((w) => hex(w.address) === hex(TARGET(0)))).toBe(true);
    expect(r.accountReads.map(hex).sort()).toEqual([hex(other), hex(TARGET(0))].sort());
  });

  it('keeps reads but drops writes and logs when the call reverts or halts', async () => {
    const ex = await customExecutor({});
    const body = 'PUSH 1 SLOAD POP PUSH 9 PUSH 2 SSTORE PUSH 0 PUSH 0 LOG0';
    const calls = [`${body} PUSH 0 PUSH 0 REVERT`, `${body} INVALID`].map((src, i) => gpuCall({ name: src, code: asm(src) }, i));
    const results = await ex.execute(gpuBlock({ fork: 'Prague' }), { accounts: new Map() }, calls);
    expect(results.map((r) => outcomeName(r.outcome))).toEqual(['Revert', 'InvalidOpcode']);
    for (const r of results) {
      expect(r.storageWrites).toEqual([]);
      expect(r.logs).toEqual([]);
      expect(r.storageReads.map((x) => x.slot)).toEqual([1n, 2n]);
    }
    expect(results[1].gasLeft).toBe(0n);
  });
});

describe('interpreter kernel: create frames', () => {
  it('runs init code: CODESIZE and CODECOPY see the code, CALLDATA is empty', async () => {
    const ex = await customExecutor({});
    const code = asm('CALLDATASIZE PUSH 0 MSTORE PUSH 0 CALLDATALOAD PUSH 32 MSTORE CODESIZE PUSH 64 MSTORE PUSH 4 PUSH 0 PUSH 96 CODECOPY PUSH 128 PUSH 0 RETURN');
    const call = { ...gpuCall({ name: 'create', code, data: Uint8Array.from([1, 2, 3]) }, 0), isCreate: true };
    const [r] = await ex.execute(gpuBlock({ fork: 'Cancun' }), { accounts: new Map() }, [call]);
    expect(outcomeName(r.outcome)).toBe('Return');
    const word = (i: number) => BigInt(`0x${hex(r.returnData.slice(32 * i, 32 * i + 32))}`);
    expect(word(0)).toBe(0n);
    expect(word(1)).toBe(0n);
    expect(word(2)).toBe(BigInt(code.length));
    expect(hex(r.returnData.slice(96, 100))).toBe(hex(code.slice(0, 4)));
  });
});

describe('interpreter kernel: chunked dispatches', () => {
  it('calls sharing scratch slots across dispatches see fresh zeroed memory and empty transient storage', async () => {
    // Two scratch slots: ten calls run five dispatches in turn on the same memory.
    const slotBytes = regions(limits({ memoryBytesPerCall: 1024 })).scratchWords * 4;
    const ex = await customExecutor({ memoryBytesPerCall: 1024, maxScratchBytesPerDispatch: 2 * slotBytes });
    const cases: Case[] = Array.from({ length: 10 }, (_, i) => ({
      name: `call ${i}`,
      // Reads memory and a transient slot before writing them, then leaves garbage behind for the next user of the slot.
      code: asm(`PUSH 7 TLOAD PUSH ${64 + i} MLOAD ADD PUSH 0 MSTORE PUSH ${i + 1} PUSH 7 TSTORE PUSH 0 NOT PUSH ${64 + i} MSTORE PUSH 0 NOT PUSH 600 MSTORE PUSH 32 PUSH 0 RETURN`),
    }));
    const { mismatches, results } = await diff({ fork: 'Cancun' }, cases, { executor: ex });
    expect(noMismatches(mismatches)).toEqual([]);
    expect(results.every((r) => hex(r.returnData) === '00'.repeat(32))).toBe(true);
  });
});
