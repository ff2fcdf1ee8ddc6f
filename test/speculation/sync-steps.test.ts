import { createVM } from '@ethereumjs/vm';
import { Account, bigIntToBytes, bytesToHex, createAddressFromString, setLengthLeft } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { syncStepCounts, useSyncSteps } from '../../src/speculation/workers/sync-steps.js';
import { asm } from '../gpu/asm.js';
import { randomCases } from '../compiler/random-program.js';

const TO = createAddressFromString('0x00000000000000000000000000000000000000dd');
const CALLEE = createAddressFromString('0x00000000000000000000000000000000000000ee');
const CALLER = createAddressFromString('0x00000000000000000000000000000000000000aa');

// Stores, logs, then reverts or returns on calldata word 0 (0: revert, else return): storage and a log that must be undone.
const CALLEE_CODE = asm(`
  PUSH 0x42 PUSH 1 SSTORE
  PUSH 0x99 PUSH 0 MSTORE PUSH 7 PUSH 32 PUSH 0 LOG1
  PUSH 0 CALLDATALOAD @ok JUMPI
  PUSH 32 PUSH 0 REVERT
  :ok PUSH 1 SLOAD PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN
`);

// Init code that deposits one STOP.
const INIT = asm('PUSH1 0x00 PUSH 0 MSTORE8 PUSH 1 PUSH 0 RETURN');
const initWord = BigInt(bytesToHex(setLengthLeft(INIT, 32)));

/** A caller that reaches every asynchronous handler: calls that revert and return, a static call that writes, a create, state reads. */
const PROGRAMS: Record<string, Uint8Array> = {
  'call, revert in the callee, call again, return data': asm(`
    PUSH 0 PUSH 0 PUSH 32 PUSH 0 PUSH 0 PUSH 0xee PUSH 100000 CALL PUSH 200 MSTORE
    PUSH 1 PUSH 0 MSTORE
    PUSH 32 PUSH 64 PUSH 32 PUSH 0 PUSH 0 PUSH 0xee PUSH 100000 CALL PUSH 232 MSTORE
    RETURNDATASIZE PUSH 264 MSTORE PUSH 1 SLOAD PUSH 296 MSTORE
    PUSH 128 PUSH 200 RETURN
  `),
  'staticcall into a writer fails, the caller goes on': asm(`
    PUSH 1 PUSH 0 MSTORE
    PUSH 32 PUSH 64 PUSH 32 PUSH 0 PUSH 0xee PUSH 100000 STATICCALL PUSH 0 MSTORE
    PUSH 32 PUSH 0 RETURN
  `),
  'create, then balance and code of the new account': asm(`
    PUSH ${initWord} PUSH 0 MSTORE
    PUSH ${INIT.length} PUSH ${32 - INIT.length} PUSH 0 CREATE DUP1 EXTCODESIZE PUSH 32 MSTORE BALANCE PUSH 64 MSTORE
    PUSH 96 PUSH 0 RETURN
  `),
  'a jump to no JUMPDEST': asm('PUSH 3 JUMP PUSH 1 STOP'),
  'an undefined opcode after a jump': asm('@l JUMP :l 0x0c'),
  'stack underflow': asm('ADD'),
  'out of gas in a loop': asm(':l PUSH 1 PUSH 5 SSTORE @l JUMP'),
  'SSTORE refunds': asm('PUSH 0 PUSH 7 SSTORE PUSH 1 PUSH 9 SSTORE PUSH 0 PUSH 9 SSTORE STOP'),
  'keccak and logs of every topic count': asm(`
    PUSH 64 PUSH 0 KECCAK256 DUP1 DUP1 DUP1 PUSH 3 PUSH 0 LOG4 PUSH 0 PUSH 0 LOG0 STOP
  `),
};

/** `v` as a 32-byte storage key or value. */
const word = (v: bigint) => setLengthLeft(bigIntToBytes(v), 32);

async function vmWith(sync: boolean, code: Uint8Array, storage: Map<bigint, bigint>) {
  const vm = await createVM();
  if (sync) expect(await useSyncSteps(vm.evm)).toBe(true);
  await vm.stateManager.putAccount(TO, new Account(0n, 10n ** 18n));
  await vm.stateManager.putCode(TO, code);
  await vm.stateManager.putAccount(CALLEE, new Account());
  await vm.stateManager.putCode(CALLEE, CALLEE_CODE);
  for (const [k, v] of storage) await vm.stateManager.putStorage(TO, word(k), word(v));
  return vm;
}


async function run(sync: boolean, code: Uint8Array, opts: { gas?: bigint; data?: Uint8Array; storage?: Map<bigint, bigint>; onStep?: boolean } = {}) {
  const vm = await vmWith(sync, code, opts.storage ?? new Map());
  if (opts.onStep) vm.evm.events!.on('step', () => {});
  const r = await vm.evm.runCall({ to: TO, caller: CALLER, data: opts.data ?? new Uint8Array(0), gasLimit: opts.gas ?? 1_000_000n });
  const slots: string[] = [];
  for (const [addr, k] of [[TO, 5n], [TO, 7n], [TO, 9n], [CALLEE, 1n]] as const) slots.push(bytesToHex(await vm.stateManager.getStorage(addr, word(k))));
  const result = {
    gas: r.execResult.executionGasUsed,
    refund: r.execResult.gasRefund,
    error: r.execResult.exceptionError?.error,
    ret: bytesToHex(r.execResult.returnValue),
    logs: (r.execResult.logs ?? []).map(([a, topics, data]) => [bytesToHex(a), topics.map((t) => bytesToHex(t)), bytesToHex(data)]),
    created: r.createdAddress?.toString(),
    slots,
  };
  return { result, counts: syncStepCounts(vm.evm) };
}

describe('the interpreter loop without a promise per opcode (sync-steps.ts)', () => {
  for (const [name, code] of Object.entries(PROGRAMS)) {
    it(`${name}: as ethereumjs' own loop runs it`, async () => {
      const opts = { gas: name.startsWith('out of gas') ? 60_000n : undefined };
      const sync = await run(true, code, opts);
      const own = await run(false, code, opts);
      expect(sync.result).toEqual(own.result);
      expect(own.counts).toBeUndefined();
      // Every frame (the callee's and the init code's too) ran in this loop.
      expect(sync.counts!.sync).toBeGreaterThan(0);
      expect(sync.counts!.ethereumjs).toBe(0);
    });
  }

  it('the programs do what their names say', async () => {
    const call = (await run(true, PROGRAMS['call, revert in the callee, call again, return data'])).result;
    // First call reverted (0), second returned (1) with the callee's stored 0x42; one log kept, the reverted one dropped.
    expect(call.ret.slice(2, 66)).toBe('0'.repeat(64));
    expect(BigInt('0x' + call.ret.slice(66, 130))).toBe(1n);
    expect(call.logs).toHaveLength(1);
    expect(call.slots[3]).toBe('0x42');
    expect((await run(true, PROGRAMS['staticcall into a writer fails, the caller goes on'])).result.ret).toBe(bytesToHex(word(0n)));
    const created = (await run(true, PROGRAMS['create, then balance and code of the new account'])).result;
    expect(BigInt('0x' + created.ret.slice(66, 130))).toBe(1n);
    expect((await run(true, PROGRAMS['a jump to no JUMPDEST'])).result.error).toMatch(/^invalid JUMP/);
    expect((await run(true, PROGRAMS['an undefined opcode after a jump'])).result.error).toBe('invalid opcode');
    expect((await run(true, PROGRAMS['stack underflow'])).result.error).toBe('stack underflow');
    expect((await run(true, PROGRAMS['out of gas in a loop'], { gas: 60_000n })).result.error).toBe('out of gas');
    expect((await run(true, PROGRAMS['SSTORE refunds'], { storage: new Map([[7n, 3n]]) })).result.refund).toBeGreaterThan(0n);
  });

  it('300 random programs with loops, jumps, storage and too little gas: every field as ethereumjs runs them', async () => {
    let frames = 0;
    for (const c of randomCases(20261205, 300)) {
      const opts = { gas: c.gas, data: c.data, storage: c.storage };
      const sync = await run(true, c.code, opts);
      expect(sync.result, c.name).toEqual((await run(false, c.code, opts)).result);
      frames += sync.counts!.sync;
    }
    expect(frames).toBe(300);
  });

  it("a frame watched by a step listener runs ethereumjs' own loop", async () => {
    const code = PROGRAMS['call, revert in the callee, call again, return data'];
    const watched = await run(true, code, { onStep: true });
    expect(watched.counts).toEqual({ sync: 0, ethereumjs: 3 });
    expect(watched.result).toEqual((await run(false, code)).result);
  });
});
