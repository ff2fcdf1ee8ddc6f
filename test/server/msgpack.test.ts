import { afterAll, describe, expect, it } from 'vitest';
import type { Hex } from '../../src/model/shapes.js';
import { decodeMsgpack, encodeMsgpack } from '../../src/wire/msgpack.js';
import { ALICE, BOB, batch, engineNeutral, funded, hex, newApp, post, transfer } from './helpers.js';

/** Reads a msgpack result back into the JSON wire form, to compare with a JSON answer. */
function toJsonForm(v: unknown, key?: string): unknown {
  if (v instanceof Uint8Array) {
    const h = Buffer.from(v).toString('hex');
    // Quantities that do not fit 64 bits come as binary; the JSON form writes them compact.
    return QUANTITY_KEYS.has(key ?? '') ? hex(BigInt(`0x${h || '0'}`)) : `0x${h}`;
  }
  if (typeof v === 'number' || typeof v === 'bigint') return key === 'index' || STAT_KEYS.has(key ?? '') ? v : hex(v);
  if (Array.isArray(v)) return v.map((x) => toJsonForm(x, key));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJsonForm(x, k)]));
  return v;
}
const QUANTITY_KEYS = new Set(['balance', 'nonce', 'gasUsed', 'cumulativeGasUsed', 'status', 'type', 'logIndex', 'blobGasUsed', 'blobGasPrice']);
const STAT_KEYS = new Set(['txs', 'included', 'rejected', 'reference', 'auto']);

/** A balance above 2^64 wei (~18.4 ether): msgpack integers cannot carry it. */
const RICH = (1n << 70n) + 12345n;

describe('POST /v1/execute: msgpack', () => {
  const app = newApp();
  afterAll(() => app.close());
  const b = batch({
    pre: { ...funded(ALICE), [BOB]: { balance: hex(RICH), nonce: '0x0' } },
    txs: [transfer(ALICE, 0), transfer(BOB, 0, { to: ALICE, value: '0x3' })],
  });

  it('the same batch in JSON and msgpack gives the same result, in every combination of request and response type', async () => {
    const jsonJson = await post(app, b);
    expect(jsonJson.statusCode).toBe(200);
    const want = engineNeutral(jsonJson.json());
    expect(want.results).toHaveLength(2);

    for (const request of ['json', 'msgpack'] as const) {
      for (const accept of ['application/json', 'application/vnd.msgpack', 'application/msgpack', 'application/x-msgpack']) {
        const res = await post(app, b, { as: request, accept });
        expect(res.statusCode, `${request} -> ${accept}: ${res.body.slice(0, 200)}`).toBe(200);
        const got = accept === 'application/json' ? res.json() : toJsonForm(decodeMsgpack(res.rawPayload));
        expect(engineNeutral(got as never), `${request} -> ${accept}`).toEqual(want);
      }
    }
  });

  it('accepts every msgpack request type name', async () => {
    for (const contentType of ['application/vnd.msgpack', 'application/msgpack', 'application/x-msgpack']) {
      const res = await post(app, encodeMsgpack(b), { contentType });
      expect(res.statusCode, contentType).toBe(200);
    }
  });

  it('writes bytes as binary and quantities as integers (binary above 64 bits)', async () => {
    const res = await post(app, b, { accept: 'application/vnd.msgpack' });
    expect(res.headers['content-type']).toBe('application/vnd.msgpack');
    const r = decodeMsgpack(res.rawPayload) as Record<string, any>;
    expect(r.results[0].gasUsed).toBe(21000);
    expect(r.results[0].status).toBe(1);
    expect(r.results[0].index).toBe(0);
    expect(r.results[0].from).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(r.results[0].from).toString('hex')).toBe(ALICE.slice(2));
    expect(r.results[0].logsBloom).toHaveLength(256);
    expect(r.receiptsRoot).toBeInstanceOf(Uint8Array);
    expect(r.receiptsRoot).toHaveLength(32);
    expect(r.gasUsed).toBe(42000);
    expect(r.stateDiff.pre[BOB].balance).toBeInstanceOf(Uint8Array);
    expect(BigInt(`0x${Buffer.from(r.stateDiff.pre[BOB].balance).toString('hex')}`)).toBe(RICH);
  });

  it('reads binary bytes and integer quantities in requests', async () => {
    const bin = (h: Hex) => Buffer.from(h.slice(2), 'hex');
    const native = {
      fork: 'Prague',
      env: { number: 1, timestamp: 1000, coinbase: bin(b.env.coinbase), gasLimit: 30_000_000, baseFee: 7, chainId: 1 },
      // Keys stay hex strings; a quantity above 64 bits may come as binary.
      pre: { [ALICE]: { balance: 10n ** 18n, nonce: 0 }, [BOB]: { balance: bin(hex(RICH)), nonce: 0 } },
      txs: [
        { from: bin(ALICE), to: bin(BOB), nonce: 0, gas: 21000, maxFeePerGas: 10, maxPriorityFeePerGas: 1, value: 1 },
        { from: bin(BOB), to: bin(ALICE), nonce: 0, gas: 21000, maxFeePerGas: 10, maxPriorityFeePerGas: 1, value: 3 },
      ],
    };
    const res = await post(app, encodeMsgpack(native), { contentType: 'application/vnd.msgpack' });
    expect(res.statusCode, res.body).toBe(200);
    expect(engineNeutral(res.json())).toEqual(engineNeutral((await post(app, b)).json()));
  });
});
