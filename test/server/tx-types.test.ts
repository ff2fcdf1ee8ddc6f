import type { TypedTxData } from '@ethereumjs/tx';
import { afterAll, describe, expect, it } from 'vitest';
import type { Hex, WireBatch } from '../../src/model/shapes.js';
import { BOB, batch, env, executeAndCompare, funded, hex, key, newApp, signAuthorization, signRaw } from './helpers.js';

/**
 * Every transaction type, each both as a sequencer-trusted transaction (from, no
 * signature) and as signed raw bytes. The two forms of one transaction must behave
 * the same (same type, gas and effects); the signed form also reports its hash.
 */
const SENDER = key(1);
const AUTHORITY = key(2);
const DELEGATE: Hex = '0x000000000000000000000000000000000000de1e';
const SLOT: Hex = `0x${'00'.repeat(31)}01`;
const BLOB_HASH: Hex = `0x01${'ab'.repeat(31)}`;

interface Case {
  name: string;
  fork: 'Prague' | 'Cancun';
  type: number;
  /** Wire fields of the transaction, without from/nonce. */
  wire: Record<string, unknown>;
  /** The same transaction for @ethereumjs/tx, to sign. */
  signed: TypedTxData;
  env?: Partial<WireBatch['env']>;
}

const CASES: Case[] = [
  {
    name: 'legacy (type 0)',
    fork: 'Prague',
    type: 0,
    wire: { to: BOB, gas: '0x5208', gasPrice: '0xa', value: '0x5' },
    signed: { type: 0, to: BOB, gasLimit: 21000n, gasPrice: 10n, value: 5n },
  },
  {
    name: 'EIP-2930 access list (type 1)',
    fork: 'Prague',
    type: 1,
    wire: { type: '0x1', to: BOB, gas: '0x7530', gasPrice: '0xa', value: '0x5', accessList: [{ address: BOB, storageKeys: [SLOT] }] },
    signed: { type: 1, to: BOB, gasLimit: 30000n, gasPrice: 10n, value: 5n, chainId: 1n, accessList: [{ address: BOB, storageKeys: [SLOT] }] },
  },
  {
    name: 'EIP-1559 (type 2)',
    fork: 'Prague',
    type: 2,
    wire: { to: BOB, gas: hex(30_000), maxFeePerGas: '0x14', maxPriorityFeePerGas: '0x2', value: '0x5', data: '0x1234' },
    signed: { type: 2, to: BOB, gasLimit: 30_000n, maxFeePerGas: 20n, maxPriorityFeePerGas: 2n, value: 5n, data: '0x1234', chainId: 1n },
  },
  {
    name: 'EIP-4844 blob (type 3) at Cancun',
    fork: 'Cancun',
    type: 3,
    env: { excessBlobGas: hex(10_000_000), timestamp: '0x65f1b057' },
    wire: { to: BOB, gas: '0x5208', maxFeePerGas: '0x14', maxPriorityFeePerGas: '0x2', maxFeePerBlobGas: '0x64', blobVersionedHashes: [BLOB_HASH] },
    signed: { type: 3, to: BOB, gasLimit: 21000n, maxFeePerGas: 20n, maxPriorityFeePerGas: 2n, maxFeePerBlobGas: 100n, blobVersionedHashes: [BLOB_HASH], chainId: 1n },
  },
];

describe('POST /v1/execute: every transaction type, unsigned and signed', () => {
  const app = newApp();
  afterAll(() => app.close());

  for (const c of CASES) {
    it(c.name, async () => {
      const { raw, hash } = signRaw(c.fork, { ...c.signed, nonce: 1n }, SENDER.priv);
      const b = batch({
        fork: c.fork,
        env: env(c.env),
        pre: funded(SENDER.address),
        txs: [{ from: SENDER.address, nonce: '0x0', ...c.wire } as never, { raw }],
      });
      const got = await executeAndCompare(app, b);

      expect(got.rejected).toEqual([]);
      expect(got.results).toHaveLength(2);
      const [unsigned, signed] = got.results;
      for (const r of got.results) expect(r).toMatchObject({ type: hex(c.type), from: SENDER.address, status: '0x1' });
      expect(unsigned.hash).toBeUndefined();
      expect(signed.hash).toBe(hash);
      expect(signed.gasUsed).toBe(unsigned.gasUsed);
      expect(got.stateDiff.post[SENDER.address].nonce).toBe('0x2');
      expect(got.stateDiff.post[BOB.toLowerCase()]?.balance ?? '0x0').toBe(hex(c.type === 3 ? 0 : 10));
      if (c.type === 3) {
        for (const r of got.results) expect(r.blobGasUsed).toBe(hex(131072));
        expect(got.blobGasUsed).toBe(hex(2 * 131072));
        expect(BigInt(got.results[0].blobGasPrice)).toBeGreaterThan(1n);
      }
    });
  }

  it('EIP-7702 set-code (type 4) at Prague, with a signed authorization', async () => {
    // Two authorities: one delegated by the unsigned transaction, one by the signed one.
    const second = key(3);
    const authUnsigned = signAuthorization(DELEGATE, 0, AUTHORITY.priv);
    const authSigned = signAuthorization(DELEGATE, 0, second.priv);
    const { raw, hash } = signRaw(
      'Prague',
      {
        type: 4, nonce: 1n, to: BOB, gasLimit: 100_000n, maxFeePerGas: 20n, maxPriorityFeePerGas: 2n, chainId: 1n,
        authorizationList: [authSigned],
      },
      SENDER.priv,
    );
    const b = batch({
      pre: funded(SENDER.address),
      txs: [
        { from: SENDER.address, to: BOB, nonce: '0x0', gas: hex(100_000), maxFeePerGas: '0x14', maxPriorityFeePerGas: '0x2', authorizationList: [authUnsigned] },
        { raw },
      ],
    });
    const got = await executeAndCompare(app, b);

    expect(got.rejected).toEqual([]);
    expect(got.results.map((r: { type: string; status: string }) => [r.type, r.status])).toEqual([['0x4', '0x1'], ['0x4', '0x1']]);
    expect(got.results[1].hash).toBe(hash);
    // The delegation designator 0xef0100 || address becomes each authority's code, and bumps its nonce.
    for (const authority of [AUTHORITY.address, second.address]) {
      expect(got.stateDiff.post[authority]).toMatchObject({ code: `0xef0100${DELEGATE.slice(2)}`, nonce: '0x1' });
    }
  });
});
