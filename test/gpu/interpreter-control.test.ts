import { afterAll, describe, expect, it } from 'vitest';
import { closeTestGpu } from '../support/gpu.js';
import { Outcome, outcomeName } from '../../src/evm/outcome.js';
import { OPCODES, opcodeTable } from '../../src/evm/opcodes.js';
import { GPU_FORKS } from '../../src/gpu/interpreter-wgsl.js';
import type { Fork } from '../../src/model/fork.js';
import { addr, asm, customExecutor, diff, gpuBlock, gpuCall, noMismatches, type Case } from './interpreter-harness.js';

const ret = (body: string) => asm(`${body} PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN`);

afterAll(() => closeTestGpu());

describe('interpreter kernel: control flow, stack, logs, halts', () => {
  it('JUMP / JUMPI: JUMPDEST bitmap, PUSH data, out of range, not taken', async () => {
    const cases: Case[] = [
      { name: 'JUMP to JUMPDEST', code: asm('PUSH 4 JUMP INVALID JUMPDEST PUSH 1 PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN') },
      { name: 'JUMP into PUSH data', code: asm('PUSH 3 JUMP PUSH1 0x5b STOP') },
      { name: 'JUMP to non-JUMPDEST', code: asm('PUSH 3 JUMP STOP STOP') },
      { name: 'JUMP to code end', code: asm('PUSH 3 JUMP') },
      { name: 'JUMP past code end', code: asm('PUSH 200 JUMP') },
      { name: 'JUMP to 2^32 + JUMPDEST', code: asm(`PUSH ${(1n << 32n) + 5n} JUMP JUMPDEST STOP`) },
      { name: 'JUMP to 2^255', code: asm(`PUSH ${1n << 255n} JUMP`) },
      { name: 'JUMPI taken', code: asm('PUSH 1 PUSH 6 JUMPI INVALID JUMPDEST STOP') },
      { name: 'JUMPI not taken, bad target', code: asm('PUSH 0 PUSH 99 JUMPI PUSH 5 PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN') },
      { name: 'JUMPI taken, bad target', code: asm('PUSH 1 PUSH 99 JUMPI STOP') },
      { name: 'JUMPI with huge condition', code: asm(`PUSH ${1n << 200n} PUSH 38 JUMPI INVALID JUMPDEST STOP`) },
      { name: 'JUMPDEST inside PUSH32 data, then a real one', code: asm('PUSH 35 JUMP PUSH32 0x5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b JUMPDEST STOP') },
      { name: 'loop counting to 100', code: ret('PUSH 0 JUMPDEST PUSH 1 ADD DUP1 PUSH 100 GT PUSH 2 JUMPI') },
      { name: 'JUMP stack underflow', code: asm('JUMP') },
      { name: 'JUMPI stack underflow', code: asm('PUSH 1 JUMPI') },
    ];
    const { mismatches } = await diff({ fork: 'Prague' }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
  });

  it('PC GAS JUMPDEST POP MSIZE, and out of gas at each static charge', async () => {
    const cases: Case[] = [
      { name: 'PC', code: ret('JUMPDEST PUSH 1 POP PC') },
      { name: 'GAS after its own charge', code: ret('GAS') },
      { name: 'GAS with more than 2^32 gas', code: ret('GAS'), gas: (1n << 33n) + 12345n },
      { name: 'GAS with more than 2^32 gas, after memory', code: ret('PUSH 1 PUSH 1000 MSTORE GAS'), gas: (1n << 40n) + 7n },
      { name: 'POP empty', code: asm('POP') },
    ];
    // Out of gas on the n-th opcode of a straight line.
    const line = asm('PUSH 1 PUSH 2 ADD JUMPDEST PUSH 3 MUL DUP1 SWAP1 POP PC GAS MSIZE STOP');
    for (let g = 0n; g < 40n; g++) cases.push({ name: `straight line with ${g} gas`, code: line, gas: g });
    const { mismatches } = await diff({ fork: 'Prague' }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
  });

  it('stack: 1024 items fit, the 1025th overflows (PUSH, DUP), underflow of DUP16 / SWAP16', async () => {
    const pushes = (n: number) => 'PUSH0 '.repeat(n);
    const cases: Case[] = [
      { name: '1024 PUSH0', code: asm(`${pushes(1024)} STOP`) },
      { name: '1025 PUSH0 overflows', code: asm(`${pushes(1025)} STOP`) },
      { name: 'DUP1 at 1024 overflows', code: asm(`${pushes(1024)} DUP1 STOP`) },
      { name: 'DUP16 at 1023', code: asm(`${pushes(1023)} DUP16 STOP`) },
      { name: 'SWAP16 at 1024', code: asm(`${pushes(1024)} SWAP16 STOP`) },
      { name: 'ADDRESS at 1024 overflows', code: asm(`${pushes(1024)} ADDRESS STOP`) },
      { name: 'DUP16 with 15 items', code: asm(`${pushes(15)} DUP16`) },
      { name: 'DUP16 with 16 items', code: ret(`${pushes(15)} PUSH 9 DUP16 POP DUP16`) },
      { name: 'SWAP16 with 16 items', code: asm(`${pushes(16)} SWAP16`) },
      { name: 'SWAP16 with 17 items', code: ret(`PUSH 9 ${pushes(16)} SWAP16`) },
      { name: 'every DUPn and SWAPn', code: ret(`${Array.from({ length: 17 }, (_, i) => `PUSH ${i + 1}`).join(' ')} ${Array.from({ length: 16 }, (_, i) => `DUP${i + 1} SWAP${i + 1}`).join(' ')} ${'ADD '.repeat(32)}`) },
      { name: 'ADD with one item', code: asm('PUSH 1 ADD') },
      { name: 'ADD with one item and no gas for it', code: asm('PUSH 1 ADD'), gas: 5n },
      // The reference sizes MSTORE's memory from one item: with one item it runs out of gas (or underflows) after that.
      { name: 'MSTORE with one item', code: asm('PUSH 1 MSTORE') },
      { name: 'MSTORE with one item, no gas for memory', code: asm('PUSH 1 MSTORE'), gas: 8n },
      { name: 'MSTORE with no items', code: asm('MSTORE') },
      { name: 'LOG2 with two items', code: asm('PUSH 0 PUSH 0 LOG2') },
      { name: 'LOG2 with two items, no gas', code: asm('PUSH 0 PUSH 0 LOG2'), gas: 1000n },
      { name: 'EXTCODECOPY with three items', code: asm('PUSH 0 PUSH 0 PUSH 0 EXTCODECOPY') },
      { name: 'KECCAK256 with one item', code: asm('PUSH 0 KECCAK256') },
      { name: 'RETURN with one item', code: asm('PUSH 0 RETURN') },
    ];
    const { mismatches } = await diff({ fork: 'Prague' }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
  });

  it('LOG0..LOG4: topics, data, 8 gas per byte, memory growth; RETURN / REVERT data; INVALID', async () => {
    const fill = 'PUSH32 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20 PUSH 0 MSTORE';
    const cases: Case[] = [];
    for (let n = 0; n <= 4; n++) {
      const topics = Array.from({ length: n }, (_, i) => `PUSH32 ${(0xabcdefn << BigInt(40 * i)) + BigInt(i)}`).join(' ');
      cases.push({ name: `LOG${n} of 0 bytes`, code: asm(`${topics} PUSH 0 PUSH 0 LOG${n} STOP`) });
      cases.push({ name: `LOG${n} of 33 bytes at 3`, code: asm(`${fill} ${topics} PUSH 33 PUSH 3 LOG${n} STOP`) });
      cases.push({ name: `LOG${n} then REVERT`, code: asm(`${fill} ${topics} PUSH 5 PUSH 0 LOG${n} PUSH 0 PUSH 0 REVERT`) });
      cases.push({ name: `LOG${n} growing memory`, code: asm(`${topics} PUSH 10 PUSH 100 LOG${n} STOP`) });
    }
    cases.push({ name: 'several logs', code: asm(`${fill} PUSH 1 PUSH 0 LOG0 PUSH 7 PUSH 2 PUSH 3 PUSH 4 LOG1 PUSH 9 PUSH 31 PUSH 0 LOG1 STOP`) });
    cases.push({ name: 'LOG1 out of gas on data bytes', code: asm(`${fill} PUSH 9 PUSH 32 PUSH 0 LOG1 STOP`), gas: 6n + 6n + 750n + 256n - 1n + 3n + 3n + 3n });
    cases.push({ name: 'REVERT with data', code: asm(`${fill} PUSH 20 PUSH 5 REVERT`) });
    cases.push({ name: 'REVERT empty', code: asm('PUSH 0 PUSH 0 REVERT') });
    cases.push({ name: 'REVERT growing memory', code: asm('PUSH 40 PUSH 70 REVERT') });
    cases.push({ name: 'RETURN growing memory', code: asm('PUSH 40 PUSH 70 RETURN') });
    cases.push({ name: 'RETURN of 1000 bytes', code: asm(`${fill} PUSH 1000 PUSH 0 RETURN`) });
    cases.push({ name: 'REVERT after SSTORE keeps nothing', code: asm('PUSH 1 PUSH 1 SSTORE PUSH 0 PUSH 0 REVERT') });
    cases.push({ name: 'INVALID', code: asm('PUSH 1 INVALID') });
    cases.push({ name: 'INVALID with no gas', code: asm('INVALID'), gas: 0n });
    cases.push({ name: 'STOP in the middle', code: asm('PUSH 1 PUSH 1 SSTORE STOP PUSH 2 PUSH 1 SSTORE') });
    const { mismatches } = await diff({ fork: 'Prague' }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
  });

  it('every opcode the table sends to the GPU has a handler: none falls through to InvalidOpcode', async () => {
    const ex = await customExecutor({});
    for (const fork of GPU_FORKS) {
      const table = opcodeTable(fork);
      const ops = OPCODES.filter((o) => table.defined[o.code] && o.name !== 'INVALID');
      // Seven zero operands (PUSH1 0, defined in every fork) cover any opcode's stack; PUSHn reads the STOP after it.
      const calls = ops.map((o, i) => gpuCall({ name: o.name, code: asm(`${'PUSH1 0 '.repeat(7)} 0x${o.code.toString(16).padStart(2, '0')} STOP`) }, i));
      const results = await ex.execute(gpuBlock({ fork }), { accounts: new Map() }, calls);
      results.forEach((r, i) => expect(outcomeName(r.outcome), `${fork} ${ops[i].name}`).not.toBe('InvalidOpcode'));
    }
  });

  it('undefined opcodes per fork: every byte, as the first opcode, at Berlin, London, Shanghai, Cancun and Prague', async () => {
    for (const fork of ['Berlin', 'London', 'Shanghai', 'Cancun', 'Prague'] as Fork[]) {
      const table = opcodeTable(fork);
      const cases: Case[] = [];
      for (const op of OPCODES) {
        if (table.defined[op.code] && op.name !== 'INVALID') continue;
        // Three items so that a defined opcode would not underflow: undefined ones must still fail.
        cases.push({ name: `${op.name} (0x${op.code.toString(16)}) at ${fork}`, code: Uint8Array.from([0x60, 1, 0x60, 2, 0x60, 3, op.code, 0x00]) });
      }
      // Fork-gated opcodes, defined or not, with operands.
      for (const body of ['PUSH0', 'PUSH 1 TLOAD', 'PUSH 1 PUSH 1 TSTORE', 'PUSH 0 PUSH 0 PUSH 0 MCOPY', 'PUSH 0 BLOBHASH', 'BLOBBASEFEE', 'BASEFEE', 'CHAINID', 'SELFBALANCE']) {
        cases.push({ name: `${body} at ${fork}`, code: asm(`${body} STOP`) });
      }
      const { mismatches } = await diff({ fork }, cases);
      expect(noMismatches(mismatches)).toEqual([]);
    }
  });
});

describe('interpreter kernel: outcomes that hand the call back to the host', () => {
  const run = async (opts: Parameters<typeof customExecutor>[0], cases: Case[]) => {
    const ex = await customExecutor(opts);
    const state = { accounts: new Map() };
    return ex.execute(gpuBlock({ fork: 'Prague' }), state, cases.map((c, i) => gpuCall(c, i)));
  };

  // 0x03 (ripemd160) is the host's; sha256 (0x02) and identity (0x04) run in the kernel.
  it('NeedsHost at a call to a precompile, with nothing kept; calls that fail first do not need it', async () => {
    const precompiles = ['CALL', 'CALLCODE', 'DELEGATECALL', 'STATICCALL'].map((name): Case => {
      const value = name === 'CALL' || name === 'CALLCODE' ? 'PUSH 0 ' : '';
      return { name, code: asm(`PUSH 1 PUSH 1 SSTORE PUSH 1 PUSH 0 LOG0 PUSH 0 PUSH 0 PUSH 0 PUSH 0 ${value}PUSH 3 GAS ${name} STOP`) };
    });
    const results = await run({}, precompiles);
    results.forEach((r, i) => {
      expect(outcomeName(r.outcome), precompiles[i].name).toBe('NeedsHost');
      expect(r.storageWrites, precompiles[i].name).toEqual([]);
      expect(r.logs, precompiles[i].name).toEqual([]);
      expect(OPCODES[r.stoppedAt!.op].name).toBe(precompiles[i].name);
    });
    // A value the caller does not have fails the call before any precompile runs.
    const [poor] = await run({}, [{ name: 'CALL 0x01 with value', code: asm('PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 1 PUSH 1 GAS CALL STOP') }]);
    expect(outcomeName(poor.outcome)).toBe('Stop');
  });

  it('BudgetExhausted: an infinite loop stops at the step budget', async () => {
    const [loop, short] = await run({ maxStepsPerDispatch: 1000 }, [
      { name: 'infinite loop', code: asm('JUMPDEST PUSH 0 JUMP') },
      { name: 'short', code: asm('PUSH 1 PUSH 2 ADD STOP') },
    ]);
    expect(outcomeName(loop.outcome)).toBe('BudgetExhausted');
    expect(loop.steps).toBe(1000);
    expect(outcomeName(short.outcome)).toBe('Stop');
    expect(short.steps).toBe(4);
  });

  it('ScratchExhausted: memory, return data, logs, log data, storage, accounts and transient storage caps', async () => {
    const opts = {
      memoryBytesPerCall: 128, returnDataBytesPerCall: 16, maxLogsPerCall: 2, maxLogDataBytesPerCall: 8,
      maxStorageSlotsPerCall: 3, maxAccountsPerCall: 3, maxTransientSlotsPerCall: 2,
    };
    const cases: [string, string, string][] = [
      ['memory within the cap', 'PUSH 1 PUSH 96 MSTORE STOP', 'Stop'],
      ['memory past the cap', 'PUSH 1 PUSH 97 MSTORE STOP', 'ScratchExhausted'],
      ['memory far past the cap but unaffordable', `PUSH 1 PUSH ${1n << 40n} MSTORE STOP`, 'OutOfGas'],
      ['return data within the cap', 'PUSH 16 PUSH 0 RETURN', 'Return'],
      ['return data past the cap', 'PUSH 17 PUSH 0 RETURN', 'ScratchExhausted'],
      ['revert data past the cap', 'PUSH 17 PUSH 0 REVERT', 'ScratchExhausted'],
      ['two logs', 'PUSH 4 PUSH 0 LOG0 PUSH 4 PUSH 0 LOG0 STOP', 'Stop'],
      ['three logs', 'PUSH 0 PUSH 0 LOG0 PUSH 0 PUSH 0 LOG0 PUSH 0 PUSH 0 LOG0 STOP', 'ScratchExhausted'],
      ['log data past the cap', 'PUSH 5 PUSH 0 LOG0 PUSH 1 PUSH 0 LOG0 STOP', 'ScratchExhausted'],
      ['three slots', 'PUSH 1 SLOAD PUSH 2 SLOAD PUSH 1 PUSH 3 SSTORE STOP', 'Stop'],
      ['four slots', 'PUSH 1 SLOAD PUSH 2 SLOAD PUSH 3 SLOAD PUSH 4 SLOAD STOP', 'ScratchExhausted'],
      // The executing account has a record of its own.
      ['two accounts', 'PUSH 1 BALANCE PUSH 2 EXTCODESIZE PUSH 1 EXTCODEHASH SELFBALANCE STOP', 'Stop'],
      ['three accounts', 'PUSH 1 BALANCE PUSH 2 EXTCODESIZE PUSH 3 EXTCODEHASH STOP', 'ScratchExhausted'],
      ['two transient keys', 'PUSH 1 PUSH 1 TSTORE PUSH 1 PUSH 2 TSTORE PUSH 1 PUSH 1 TSTORE STOP', 'Stop'],
      ['three transient keys', 'PUSH 1 PUSH 1 TSTORE PUSH 1 PUSH 2 TSTORE PUSH 1 PUSH 3 TSTORE STOP', 'ScratchExhausted'],
    ];
    const results = await run(opts, cases.map(([name, code]) => ({ name, code: asm(code) })));
    expect(results.map((r, i) => `${cases[i][0]}: ${outcomeName(r.outcome)}`)).toEqual(cases.map(([name, , want]) => `${name}: ${want}`));
    expect(results[5].outcome).toBe(Outcome.ScratchExhausted);
  });

  it('rejects forks before Berlin and gas at or above 2^63', async () => {
    const ex = await customExecutor({});
    const call = gpuCall({ name: 'STOP', code: asm('STOP') }, 0);
    await expect(ex.execute({ ...gpuBlock({ fork: 'Prague' }), fork: 'Istanbul' }, { accounts: new Map() }, [call])).rejects.toThrow(RangeError);
    await expect(ex.execute(gpuBlock({ fork: 'Prague' }), { accounts: new Map() }, [{ ...call, gas: 1n << 63n }])).rejects.toThrow(RangeError);
    expect(await ex.execute(gpuBlock({ fork: 'Prague' }), { accounts: new Map() }, [])).toEqual([]);
    expect(addr(1).length).toBe(20);
  });
});
