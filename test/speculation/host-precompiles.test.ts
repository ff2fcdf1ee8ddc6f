import { afterAll, describe, expect, it } from 'vitest';
import { FEES, SENDER_BALANCE, account, quantity, toBatch } from '../../bench/workloads/common.js';
import type { Hex, WireBatch } from '../../src/model/shapes.js';
import { bytesToHex } from '../../src/primitives/hex.js';
import { asm } from '../gpu/asm.js';
import { testRegistry } from '../support/registry.js';
import { expectEqualToReference, speculation } from './helpers.js';

/**
 * Precompile calls inside GPU frames: the kernel stops at each with a request, the
 * host runs it with ethereumjs's precompiles and the frame runs again with the answer
 * (src/speculation/host-calls.ts); the transaction stays on the GPU, and every result
 * equals the reference's.
 */
const registry = testRegistry();
afterAll(() => registry.close());


// sha256 and identity of a word from calldata, with value to identity; ecrecover of
// zeros (success, no output); modexp with a length too large for the gas (a failing
// run: left to the CPU). Each result and RETURNDATASIZE is stored.
const CALLER = asm(`
  PUSH1 0 CALLDATALOAD PUSH1 0 MSTORE
  PUSH1 32 PUSH1 32 PUSH1 32 PUSH1 0 PUSH1 2 GAS STATICCALL PUSH1 10 SSTORE
  PUSH1 32 MLOAD PUSH1 0 SSTORE RETURNDATASIZE PUSH1 11 SSTORE
  PUSH1 32 PUSH1 64 PUSH1 32 PUSH1 0 PUSH1 3 PUSH1 4 GAS CALL PUSH1 12 SSTORE
  PUSH1 64 MLOAD PUSH1 1 SSTORE
  PUSH1 32 PUSH1 96 PUSH1 128 PUSH1 160 PUSH1 1 GAS STATICCALL PUSH1 13 SSTORE RETURNDATASIZE PUSH1 14 SSTORE
  PUSH1 32 CALLDATALOAD ISZERO @done JUMPI
  PUSH1 0x7f PUSH1 0 MSTORE PUSH1 32 PUSH1 0 PUSH1 96 PUSH1 0 PUSH1 5 PUSH2 0x1000 STATICCALL PUSH1 15 SSTORE
  :done STOP
`);
const CONTRACT: Hex = account(0xca11, 0);

function batch(modexp: boolean): WireBatch {
  const sender = account(0x5e, 1);
  const data = `0x${'ab'.repeat(32)}${modexp ? '01'.padStart(64, '0') : '00'.repeat(32)}` as Hex;
  return toBatch({
    pre: { [sender]: { balance: SENDER_BALANCE, nonce: '0x0' }, [CONTRACT]: { balance: quantity(1000), nonce: '0x1', code: bytesToHex(CALLER) } },
    txs: [{ from: sender, to: CONTRACT, nonce: '0x0', gas: quantity(300_000), ...FEES, value: '0x0', data }],
    gasBudget: 300_000n,
  });
}

describe('precompile calls inside GPU frames', () => {
  for (const engine of ['gpu', 'auto']) {
    it(`${engine}: sha256, identity with value and ecrecover answered by the host, the transaction on the GPU`, async () => {
      const r = await expectEqualToReference(registry, batch(false), engine);
      expect(r.stats.engines).toEqual({ gpu: 1 });
      expect(speculation(r).hostPrecompiles).toBe(3);
      // One call answered per round, each round a submit of its own after the first.
      expect(speculation(r).perWave).toMatchObject([{ frames: 1, hostRounds: 3, submits: 4 }]);
    }, 120_000);
  }

  it('gpu: a failing precompile run is not answered: the transaction runs on the CPU, with the same result', async () => {
    const r = await expectEqualToReference(registry, batch(true), 'gpu');
    expect(r.stats.engines).toEqual({ cpu: 1 });
    expect(speculation(r).hostPrecompiles).toBe(3);
    expect(speculation(r).fallbacks['gpu:NeedsHost']).toBe(1);
  }, 120_000);
});
