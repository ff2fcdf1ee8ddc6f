import { afterAll, describe, expect, it } from 'vitest';
import { closeTestGpu } from '../support/gpu.js';
import { addr, asm, defaultExecutor, diff, noMismatches, type Case } from './interpreter-harness.js';

/**
 * A value call with no gas of its own (Solidity's `transfer`): the callee runs on the
 * 2,300 stipend alone. Mainnet block 12520364 tx 454 forwards a payment this way to a
 * contract whose LOG4 leaves it 26 gas: every gas unit of the callee must be exact.
 */
const PAYEE = 0xbb44;
// The payee's receive path (mainnet 0xbb44e334…): free memory pointer, CALLDATASIZE < 4,
// CALLVALUE != 0, then LOG4(value; topic, CALLER, 0, 0).
const payee = asm(
  'PUSH1 0x80 PUSH1 0x40 MSTORE PUSH1 0x04 CALLDATASIZE LT @recv JUMPI STOP :recv CALLVALUE ISZERO @done JUMPI ' +
    'PUSH1 0x40 DUP1 MLOAD CALLVALUE DUP2 MSTORE SWAP1 MLOAD PUSH1 0x00 SWAP2 DUP3 SWAP2 CALLER SWAP2 ' +
    'PUSH32 0x700447ec4170a8ebc6b67182ac966faf6dff7d46dc24a1a4a7f0a98e84db9cec SWAP2 SWAP1 DUP2 SWAP1 SUB PUSH1 0x20 ADD SWAP1 LOG4 :done STOP',
);

describe('interpreter kernel: a value call on the stipend alone', () => {
  afterAll(() => closeTestGpu());

  it('the callee logs with a few gas to spare, as in the reference', async () => {
    const cases: Case[] = [100n, 1n].map((value) => ({
      name: `transfer ${value} wei`,
      balance: 10n ** 18n,
      code: asm(`PUSH 0 PUSH 0x80 PUSH 0 PUSH 0x80 PUSH ${value} PUSH ${PAYEE} PUSH 0 CALL PUSH 0 SSTORE STOP`),
      accounts: [{ address: addr(PAYEE), balance: 5n, nonce: 1n, code: payee }],
    }));
    const { mismatches } = await diff({ fork: 'Berlin' }, cases, { executor: await defaultExecutor() });
    expect(noMismatches(mismatches)).toEqual([]);
  });
});
