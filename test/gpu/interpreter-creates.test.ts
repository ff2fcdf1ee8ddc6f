import { afterAll, describe, expect, it } from 'vitest';
import { closeTestGpu } from '../support/gpu.js';
import { addr, asm, diff, hex, noMismatches, type Case, type ExtraAccount } from './interpreter-harness.js';

/**
 * CREATE, CREATE2 and SELFDESTRUCT in frames (kernels/interpreter/creates.wgsl) against
 * @ethereumjs/evm: every observable, with every account the GPU reports changed (the
 * created ones) compared with the reference's: balance, nonce, code, storage, and
 * whether it was created or destroyed.
 */

/** Code that returns `runtime` (at most 32 bytes) as the new account's code. */
function initReturning(runtime: Uint8Array, before = ''): Uint8Array {
  return asm(`${before} PUSH${runtime.length} 0x${hex(runtime)} PUSH 0 MSTORE PUSH ${runtime.length} PUSH ${32 - runtime.length} RETURN`);
}

/** Puts `init` (at most 32 bytes) at memory 0, as a PUSH32 then MSTORE. */
const load = (init: Uint8Array) => `PUSH32 0x${hex(init)}${'00'.repeat(32 - init.length)} PUSH 0 MSTORE`;
const create = (init: Uint8Array, value = 0n) => `${load(init)} PUSH ${init.length} PUSH 0 PUSH ${value} CREATE`;
const create2 = (init: Uint8Array, salt: bigint, value = 0n) => `${load(init)} PUSH ${salt} PUSH ${init.length} PUSH 0 PUSH ${value} CREATE2`;
/** Calls the address on the stack and stores the word it returns in `slot`. */
const callStored = (slot: number) => `PUSH 32 PUSH 64 PUSH 0 PUSH 0 PUSH 0 DUP6 GAS CALL POP PUSH 64 MLOAD PUSH ${slot} SSTORE`;

/** Returns 42 as one word. */
const answer = asm('PUSH 42 PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN');
const B = 0xb0b0;
const C = 0xc0c0;

describe('interpreter kernel: CREATE, CREATE2 and SELFDESTRUCT in frames', () => {
  afterAll(() => closeTestGpu());

  it('CREATE and CREATE2: addresses, value, new code visible to later frames, collisions, failures', async () => {
    const init = initReturning(answer);
    const cases: Case[] = [
      { name: 'CREATE, then call the new code', code: asm(`${create(init)} DUP1 PUSH 0 SSTORE ${callStored(1)} STOP`) },
      { name: 'CREATE with value', balance: 100n, code: asm(`${create(init, 7n)} DUP1 PUSH 0 SSTORE BALANCE PUSH 1 SSTORE STOP`) },
      { name: 'CREATE with value over the balance', balance: 5n, code: asm(`${create(init, 7n)} PUSH 0 SSTORE STOP`) },
      { name: 'CREATE twice: nonces 1 then 2', code: asm(`${create(init)} PUSH 0 SSTORE ${create(init)} PUSH 1 SSTORE STOP`) },
      { name: 'CREATE2, then call the new code', code: asm(`${create2(init, 0x5a17n)} DUP1 PUSH 0 SSTORE ${callStored(1)} STOP`) },
      { name: 'CREATE2 twice with one salt: the second collides', code: asm(`${create2(init, 1n)} PUSH 0 SSTORE ${create2(init, 1n)} PUSH 1 SSTORE GAS PUSH 2 SSTORE STOP`) },
      { name: 'CREATE, init code reverts', code: asm(`${create(asm('PUSH 0xdead PUSH 0 MSTORE PUSH 32 PUSH 0 REVERT'))} PUSH 0 SSTORE RETURNDATASIZE PUSH 1 SSTORE STOP`) },
      { name: 'CREATE, init code halts', code: asm(`${create(asm('INVALID'))} PUSH 0 SSTORE RETURNDATASIZE PUSH 1 SSTORE STOP`) },
      { name: 'CREATE, init code stores in the new account', code: asm(`${create(initReturning(answer, 'PUSH 9 PUSH 4 SSTORE'))} PUSH 0 SSTORE STOP`) },
      { name: 'CREATE, empty init code', code: asm('PUSH 0 PUSH 0 PUSH 3 CREATE PUSH 0 SSTORE STOP'), balance: 10n },
      { name: 'EIP-3541: code starting with 0xEF is refused', code: asm(`${create(initReturning(Uint8Array.of(0xef, 0x01)))} PUSH 0 SSTORE STOP`) },
      { name: 'EIP-3860: init code over 49,152 bytes halts', code: asm('PUSH 49153 PUSH 0 PUSH 0 CREATE PUSH 0 SSTORE STOP') },
      { name: 'EIP-3860: init code of 49,152 bytes (zeros: STOPs) makes an empty account', code: asm('PUSH 49152 PUSH 0 PUSH 0 CREATE PUSH 0 SSTORE STOP'), gas: 3_000_000n },
      { name: 'code deposit out of gas', code: asm(`${create(asm('PUSH 1000 PUSH 0 RETURN'))} PUSH 0 SSTORE STOP`), gas: 150_000n },
      { name: 'CREATE out of gas at the charge', code: asm(`${create(init)} PUSH 0 SSTORE STOP`), gas: 32_000n },
    ];
    for (const fork of ['Shanghai', 'Cancun', 'Prague'] as const) expect(noMismatches((await diff({ fork }, cases)).mismatches)).toEqual([]);
  });

  it('SELFDESTRUCT: beneficiary, self, cold beneficiary, new account; in a created account (EIP-6780); under a REVERT', async () => {
    const accounts = (b: Uint8Array, c = asm('STOP')): ExtraAccount[] => [
      { address: addr(B), balance: 1000n, nonce: 1n, code: b, storage: new Map([[1n, 5n]]) },
      { address: addr(C), balance: 10n, nonce: 1n, code: c },
    ];
    const callB = 'PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 0xb0b0 GAS CALL PUSH 0 SSTORE';
    const destroyer = initReturning(asm('PUSH 0xc0c0 SELFDESTRUCT'));
    const cases: Case[] = [
      { name: 'B destroys to C', accounts: accounts(asm(`PUSH ${C} SELFDESTRUCT`)), code: asm(`${callB} STOP`) },
      { name: 'B destroys to itself', accounts: accounts(asm('ADDRESS SELFDESTRUCT')), code: asm(`${callB} STOP`) },
      { name: 'B destroys to an absent account (new account)', accounts: accounts(asm('PUSH 0xd0d0 SELFDESTRUCT')), watch: [addr(0xd0d0)], code: asm(`${callB} STOP`) },
      {
        name: 'B destroys to C, then its caller reverts',
        accounts: accounts(asm(`PUSH ${C} SELFDESTRUCT`), asm('PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 0xb0b0 GAS CALL POP PUSH 0 PUSH 0 REVERT')),
        code: asm(`PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH ${C} PUSH 100000 CALL PUSH 0 SSTORE STOP`),
      },
      { name: 'B destroys twice (two calls)', accounts: accounts(asm(`PUSH ${C} SELFDESTRUCT`)), code: asm(`${callB} ${callB} STOP`) },
      { name: 'create, then the new account destroys itself', code: asm(`${create(destroyer, 3n)} ${callStored(1)} PUSH 0 SSTORE STOP`), balance: 100n, accounts: accounts(asm('STOP')) },
    ];
    for (const fork of ['Shanghai', 'Cancun', 'Prague'] as const) expect(noMismatches((await diff({ fork }, cases)).mismatches)).toEqual([]);
  });
});
