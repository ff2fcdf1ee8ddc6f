import { generateAddress, bytesToHex } from '@ethereumjs/util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Hex, WireBatch } from '../../src/model/shapes.js';
import { ALICE, ONE_ETH, batch, executeAndCompare, funded, hex, newApp, transfer } from './helpers.js';

/** Runtime code: returns the 32-byte word 42. */
const RUNTIME: Hex = '0x602a60005260206000f3';
/** Init code: PUSH10 <runtime>, MSTORE it at 0 (right-aligned: bytes 22..31), RETURN those 10 bytes. */
const INIT: Hex = `0x69${RUNTIME.slice(2)}600052600a6016f3`;
/** Sets slot 0 to 1, then reverts with the 32-byte word 0xaa. */
const REVERTER: Hex = '0x600160005560aa60005260206000fd';
const REVERTER_ADDR: Hex = '0x000000000000000000000000000000000000dead';
const word = (v: number): Hex => `0x${v.toString(16).padStart(64, '0')}`;

describe('POST /v1/execute: contracts', () => {
  const app = newApp();
  afterAll(() => app.close());

  it('creates a contract (to: null), reports its address and deploys its code; a call then runs it', async () => {
    const created = bytesToHex(generateAddress(Buffer.from(ALICE.slice(2), 'hex'), new Uint8Array())) as Hex;
    const got = await executeAndCompare(
      app,
      batch({ txs: [transfer(ALICE, 0, { to: null, value: '0x0', data: INIT, gas: hex(100_000) }), transfer(ALICE, 1, { to: created, value: '0x0', gas: hex(50_000) })] }),
    );
    expect(got.rejected).toEqual([]);
    const [create, call] = got.results;
    // A creation returns the code it deploys.
    expect(create).toMatchObject({ status: '0x1', contractAddress: created, outcome: 'Return', returnData: RUNTIME });
    expect(got.stateDiff.post[created]).toMatchObject({ code: RUNTIME, nonce: '0x1' });
    expect(got.stateDiff.pre[created]).toBeUndefined();
    expect(call).toMatchObject({ status: '0x1', contractAddress: null, outcome: 'Return', returnData: word(42) });
  });

  it('reports a revert: status 0, outcome Revert, the revert data, gas charged, storage untouched', async () => {
    const pre: WireBatch['pre'] = { ...funded(ALICE), [REVERTER_ADDR]: { balance: '0x0', nonce: '0x1', code: REVERTER, storage: { '0x0': '0x7' } } };
    const got = await executeAndCompare(app, batch({ pre, txs: [transfer(ALICE, 0, { to: REVERTER_ADDR, value: '0x0', gas: hex(100_000) })] }));
    const [r] = got.results;
    expect(r).toMatchObject({ status: '0x0', outcome: 'Revert', returnData: word(0xaa), error: 'revert', logs: [] });
    expect(BigInt(r.gasUsed)).toBeGreaterThan(21000n);
    // The revert undid the SSTORE; only the sender (nonce, fee) and coinbase changed.
    expect(got.stateDiff.post[REVERTER_ADDR]).toBeUndefined();
    expect(got.stateDiff.post[ALICE].nonce).toBe('0x1');
    expect(BigInt(got.stateDiff.post[ALICE].balance)).toBe(ONE_ETH - BigInt(r.gasUsed) * 8n);
  });
});
