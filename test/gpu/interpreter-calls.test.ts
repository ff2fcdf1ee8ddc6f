import { afterAll, describe, expect, it } from 'vitest';
import { Outcome } from '../../src/evm/outcome.js';
import { ROOMY_LIMITS } from '../../src/gpu/limits.js';
import { closeTestGpu } from '../support/gpu.js';
import { addr, asm, customExecutor, diff, gpuBlock, gpuCall, noMismatches, snapshotOf, type Case, type ExtraAccount } from './interpreter-harness.js';

/**
 * The frame stack (kernels/interpreter/frames.wgsl, calls.wgsl): CALL, CALLCODE,
 * DELEGATECALL and STATICCALL against @ethereumjs/evm, every observable compared
 * (outcome, gas, refund, return data, logs, the storage, balances and nonces of every
 * account). Calls run as `asm` text: operands pushed last-first.
 */

type CallOp = 'CALL' | 'CALLCODE' | 'DELEGATECALL' | 'STATICCALL';
interface CallArgs {
  gas?: string;
  to: number;
  value?: bigint;
  inOff?: number;
  inLen?: number;
  outOff?: number;
  outLen?: number;
}

/** One call-family opcode with its operands; `gas` is asm text (default: GAS, all of it). */
function call(op: CallOp, a: CallArgs): string {
  const value = op === 'CALL' || op === 'CALLCODE' ? `PUSH ${a.value ?? 0n} ` : '';
  return `PUSH ${a.outLen ?? 0} PUSH ${a.outOff ?? 0} PUSH ${a.inLen ?? 0} PUSH ${a.inOff ?? 0} ${value}PUSH ${a.to} ${a.gas ?? 'GAS'} ${op}`;
}

/** The call's result to slot 0, RETURNDATASIZE to slot 1, then returns `ret` bytes of memory. */
const record = (callText: string, ret = 32) => asm(`${callText} PUSH 0 SSTORE RETURNDATASIZE PUSH 1 SSTORE PUSH ${ret} PUSH 0 RETURN`);

const B = 0xb0b0;
const C = 0xc0c0;
const D = 0xd0d0; // absent: a value transfer makes it
const E = 0xe0e0; // EIP-7702: delegates to B
const EMPTYCODE = 0xf0f0;

/** B: stores 0x42 in its slot 3, logs, returns 0xbeef as one word. */
const bStores = asm('PUSH 0x42 PUSH 3 SSTORE PUSH 0xbeef PUSH 0 MSTORE PUSH 7 PUSH 32 PUSH 0 LOG1 PUSH 32 PUSH 0 RETURN');
/** C: its environment in its own storage: CALLER, CALLVALUE, ADDRESS, SELFBALANCE, CALLDATASIZE. */
const cEnv = asm('CALLER PUSH 0 SSTORE CALLVALUE PUSH 1 SSTORE ADDRESS PUSH 2 SSTORE SELFBALANCE PUSH 3 SSTORE CALLDATASIZE PUSH 4 SSTORE PUSH 0 CALLDATALOAD PUSH 5 SSTORE STOP');

function accounts(b: Uint8Array, c: Uint8Array = cEnv): ExtraAccount[] {
  return [
    { address: addr(B), balance: 1000n, nonce: 1n, code: b, storage: new Map([[3n, 1n]]) },
    { address: addr(C), balance: 10n, nonce: 1n, code: c },
    { address: addr(E), balance: 3n, nonce: 5n, code: Uint8Array.from([0xef, 0x01, 0x00, ...addr(B)]) },
    { address: addr(EMPTYCODE), balance: 1n },
  ];
}

const forks = ['Cancun', 'Prague'] as const;

describe('interpreter kernel: the call family in frames', () => {
  afterAll(() => closeTestGpu());

  it('CALL and STATICCALL without value: return data, RETURNDATASIZE / RETURNDATACOPY, logs of the callee, cold then warm', async () => {
    const acc = accounts(bStores);
    const cases: Case[] = [
      { name: 'CALL, output fits', accounts: acc, code: record(call('CALL', { to: B, outLen: 32 })) },
      { name: 'CALL, output shorter than the return data', accounts: acc, code: record(call('CALL', { to: B, outOff: 8, outLen: 16 })) },
      { name: 'CALL, output longer than the return data', accounts: acc, code: record(call('CALL', { to: B, outLen: 64 }), 64) },
      { name: 'CALL, output far away: memory expansion', accounts: acc, code: record(call('CALL', { to: B, outOff: 4000, outLen: 32 }), 64) },
      { name: 'CALL, input far away: memory expansion', accounts: acc, code: record(call('CALL', { to: B, inOff: 5000, inLen: 100 })) },
      { name: 'CALL twice: cold then warm', accounts: acc, code: record(`${call('CALL', { to: B })} POP ${call('CALL', { to: B, outLen: 32 })}`) },
      { name: 'CALL, warm by access list', accounts: acc, warm: [addr(B)], code: record(call('CALL', { to: B, outLen: 32 })) },
      { name: 'RETURNDATACOPY after a call', accounts: acc, code: asm(`${call('CALL', { to: B })} POP PUSH 32 PUSH 0 PUSH 64 RETURNDATACOPY PUSH 96 PUSH 0 RETURN`) },
      { name: 'RETURNDATACOPY past the return data halts', accounts: acc, code: asm(`${call('CALL', { to: B })} POP PUSH 33 PUSH 0 PUSH 64 RETURNDATACOPY STOP`) },
      { name: 'CALL to an account without code', accounts: acc, code: record(call('CALL', { to: EMPTYCODE, outLen: 32 })) },
      { name: 'CALL to an absent account', accounts: acc, code: record(call('CALL', { to: D, outLen: 32 })) },
      { name: 'CALL with a small gas operand: the callee runs out', accounts: acc, code: record(call('CALL', { to: B, gas: 'PUSH 3000', outLen: 32 })) },
      { name: 'CALL with a huge gas operand: 63/64 of what is left', accounts: acc, code: record(call('CALL', { to: B, gas: 'PUSH 0xffffffffffffffffffff', outLen: 32 })) },
      { name: 'CALL, calldata passed', accounts: accounts(bStores), code: asm(`PUSH 0x1234 PUSH 0 MSTORE ${call('CALL', { to: C, inOff: 0, inLen: 40 })} PUSH 0 SSTORE STOP`) },
      { name: 'STATICCALL reading', accounts: acc, code: record(call('STATICCALL', { to: C })) },
      { name: 'CALL, out of gas at the call itself', accounts: acc, code: record(call('CALL', { to: B })), gas: 2000n },
      { name: 'three deep: TARGET -> C -> B', accounts: accounts(bStores, asm(`${call('CALL', { to: B, outLen: 32 })} PUSH 9 SSTORE PUSH 32 PUSH 0 RETURN`)), code: record(call('CALL', { to: C, outLen: 32 })) },
    ];
    for (const fork of forks) expect(noMismatches((await diff({ fork }, cases, { slots: [0n, 1n, 2n, 3n, 4n, 5n, 9n] })).mismatches)).toEqual([]);
  });

  it('CALL and CALLCODE with value: 9,000, the 2,300 stipend, 25,000 for a new account, balance checks', async () => {
    const acc = accounts(bStores);
    const cases: Case[] = [
      { name: 'CALL with value to a contract', accounts: acc, balance: 100n, code: record(call('CALL', { to: C, value: 7n })) },
      { name: 'CALL with value to an account without code', accounts: acc, balance: 100n, code: record(call('CALL', { to: EMPTYCODE, value: 7n })) },
      { name: 'CALL with value to an absent account: new account', accounts: acc, balance: 100n, watch: [addr(D)], code: record(call('CALL', { to: D, value: 7n })) },
      { name: 'CALL with value over the balance: fails, caller goes on', accounts: acc, balance: 5n, code: record(call('CALL', { to: C, value: 7n })) },
      { name: 'CALL with the whole balance', accounts: acc, balance: 7n, code: record(call('CALL', { to: C, value: 7n })) },
      { name: 'CALL with value, gas 0: the stipend alone', accounts: acc, balance: 100n, code: record(call('CALL', { to: C, value: 7n, gas: 'PUSH 0' })) },
      { name: 'CALL with value, tx value passed on', accounts: acc, value: 50n, code: record(call('CALL', { to: C, value: 20n })) },
      { name: 'CALLCODE with value: runs in the caller', accounts: acc, balance: 100n, code: record(call('CALLCODE', { to: C, value: 7n })) },
      { name: 'CALLCODE with value over the balance', accounts: acc, balance: 1n, code: record(call('CALLCODE', { to: C, value: 7n })) },
      { name: 'DELEGATECALL: caller and value kept', accounts: acc, value: 9n, code: record(call('DELEGATECALL', { to: C })) },
      { name: 'DELEGATECALL to an account without code', accounts: acc, code: record(call('DELEGATECALL', { to: EMPTYCODE })) },
      { name: 'CALL with value: caller then callee balance', accounts: acc, balance: 100n, code: asm(`${call('CALL', { to: C, value: 7n })} POP SELFBALANCE PUSH 4 SSTORE PUSH ${C} BALANCE PUSH 5 SSTORE STOP`) },
    ];
    for (const fork of forks) expect(noMismatches((await diff({ fork }, cases)).mismatches)).toEqual([]);
  });

  it('STATICCALL: every state change under it fails the frame, the caller goes on with 0', async () => {
    const cases: Case[] = [];
    const bodies: Record<string, string> = {
      SSTORE: 'PUSH 1 PUSH 1 SSTORE',
      TSTORE: 'PUSH 1 PUSH 1 TSTORE',
      LOG0: 'PUSH 0 PUSH 0 LOG0',
      'CALL with value': call('CALL', { to: EMPTYCODE, value: 1n }),
      'CALL without value': call('CALL', { to: EMPTYCODE }),
      CREATE: 'PUSH 0 PUSH 0 PUSH 0 CREATE',
      SELFDESTRUCT: `PUSH ${EMPTYCODE} SELFDESTRUCT`,
      'SLOAD only': 'PUSH 3 SLOAD POP',
    };
    for (const [name, body] of Object.entries(bodies)) {
      const acc = accounts(asm(`${body} PUSH 1 PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN`));
      cases.push({ name: `STATICCALL -> ${name}`, accounts: acc, balance: 10n, code: record(call('STATICCALL', { to: B, gas: 'PUSH 100000', outLen: 32 })) });
      // Static is inherited: STATICCALL -> C -> CALL B.
      const viaC = accounts(asm(`${body} STOP`), asm(`${call('CALL', { to: B })} PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN`));
      cases.push({ name: `STATICCALL -> CALL -> ${name}`, accounts: viaC, code: record(call('STATICCALL', { to: C, gas: 'PUSH 100000', outLen: 32 })) });
    }
    for (const fork of forks) expect(noMismatches((await diff({ fork }, cases, { slots: [0n, 1n, 3n] })).mismatches)).toEqual([]);
  });

  it('REVERT and exceptional halts mid-stack roll back storage, transient storage, balances, logs and warm sets', async () => {
    // B: with no calldata, writes its slot 3, TSTOREs, logs, warms slot 9 and account D,
    // sends 5 to C, then ends with `end`; with calldata, returns TLOAD(1).
    const effects = (end: string) => asm(`
      CALLDATASIZE @probe JUMPI
      PUSH 0x99 PUSH 3 SSTORE PUSH 0x77 PUSH 1 TSTORE PUSH 0 PUSH 0 LOG0 PUSH 9 SLOAD POP PUSH ${D} BALANCE POP
      ${call('CALL', { to: C, value: 5n })} POP ${end}
        :probe PUSH 1 TLOAD PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN`);
    const ends: Record<string, string> = {
      REVERT: 'PUSH 0xdead PUSH 0 MSTORE PUSH 32 PUSH 0 REVERT',
      INVALID: 'INVALID',
      'out of gas': ':loop @loop JUMP',
      'stack underflow': 'ADD ADD ADD',
      'bad jump': 'PUSH 1 JUMP',
      'RETURN (kept)': 'PUSH 0 PUSH 0 RETURN',
    };
    const cases: Case[] = [];
    for (const [name, end] of Object.entries(ends)) {
      const acc = accounts(effects(end));
      // After B: B again with calldata (returns its transient slot 1), the gas of a
      // BALANCE of D (cold again if B's access was rolled back), C's balance.
      const code = asm(`
        ${call('CALL', { to: B, gas: 'PUSH 300000', outLen: 32 })} PUSH 0 SSTORE RETURNDATASIZE PUSH 1 SSTORE
        PUSH 0 MLOAD PUSH 2 SSTORE
        ${call('CALL', { to: B, inLen: 1, outOff: 32, outLen: 32 })} POP PUSH 32 MLOAD PUSH 3 SSTORE
        GAS PUSH ${D} BALANCE POP GAS SWAP1 SUB PUSH 4 SSTORE
        PUSH ${C} BALANCE PUSH 5 SSTORE STOP`);
      cases.push({ name: `B ends by ${name}`, accounts: acc, balance: 100n, code });
    }
    for (const fork of forks) expect(noMismatches((await diff({ fork }, cases)).mismatches)).toEqual([]);
  });

  it('EIP-7702: a call to a delegated account runs the delegate, paying its access (Prague)', async () => {
    const acc = accounts(bStores);
    const cases: Case[] = [
      { name: 'CALL delegated, delegate cold', accounts: acc, code: record(call('CALL', { to: E, outLen: 32 })) },
      { name: 'CALL delegated, delegate warm', accounts: acc, warm: [addr(B)], code: record(call('CALL', { to: E, outLen: 32 })) },
      { name: 'STATICCALL delegated: the delegate stores, fails', accounts: acc, code: record(call('STATICCALL', { to: E, gas: 'PUSH 100000', outLen: 32 })) },
      { name: 'DELEGATECALL delegated', accounts: acc, code: record(call('DELEGATECALL', { to: E, outLen: 32 })) },
    ];
    expect(noMismatches((await diff({ fork: 'Prague' }, cases)).mismatches)).toEqual([]);
  });

  it('recursion until out of gas, with room for every frame; a call stack past the frame cap ends ScratchExhausted', async () => {
    // Counts its depth in its slot 0, then calls itself with all but a 64th of its gas.
    const recurse = asm(`PUSH 0 SLOAD PUSH 1 ADD PUSH 0 SSTORE ${call('CALL', { to: 0 })} POP STOP`.replace('PUSH 0 GAS CALL', 'ADDRESS GAS CALL'));
    const cases: Case[] = [{ name: 'self-recursion until out of gas', code: recurse, gas: 3_000_000n }];
    const roomy = await customExecutor(ROOMY_LIMITS);
    expect(noMismatches((await diff({ fork: 'Prague' }, cases, { executor: roomy })).mismatches)).toEqual([]);
    const tight = await customExecutor({ maxCallDepthPerCall: 4 });
    const [r] = await tight.execute(gpuBlock({ fork: 'Prague' }), snapshotOf(cases[0], 0), [gpuCall(cases[0], 0)]);
    expect(r.outcome).toBe(Outcome.ScratchExhausted);
  });
});
