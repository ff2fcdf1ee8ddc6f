import { afterAll, describe, expect, it } from 'vitest';
import { ALICE, BASE_FEE, BOB, COINBASE, ONE_ETH, batch, engineNeutral, executeAndCompare, hex, newApp, post, referenceResult, transfer } from './helpers.js';

describe('POST /v1/execute: a simple transfer', () => {
  const app = newApp();
  afterAll(() => app.close());

  it('answers the exact receipt, state diff and roots the reference engine computes', async () => {
    const b = batch({ txs: [transfer(ALICE, 0)] });
    const got = await executeAndCompare(app, b);

    expect(got.results).toHaveLength(1);
    expect(got.results[0]).toMatchObject({
      index: 0, type: '0x2', from: ALICE, status: '0x1', outcome: 'Stop', gasUsed: '0x5208', cumulativeGasUsed: '0x5208',
      logs: [], returnData: '0x', contractAddress: null, engine: 'host',
    });
    // Unsigned transactions have no hash.
    expect(got.results[0].hash).toBeUndefined();
    expect(got.rejected).toEqual([]);
    expect(got.gasUsed).toBe('0x5208');
    expect(got.blobGasUsed).toBe('0x0');

    // Effective price min(10, 7 + 1) = 8: the sender pays 21000 * 8 + 1 wei, the coinbase earns the 1 wei tip per gas.
    const price = BASE_FEE + 1n;
    expect(got.stateDiff.post[ALICE]).toEqual({ balance: hex(ONE_ETH - 21000n * price - 1n), nonce: '0x1' });
    // prestateTracer rules: zero nonces are omitted.
    expect(got.stateDiff.pre[ALICE]).toEqual({ balance: hex(ONE_ETH) });
    expect(got.stateDiff.post[BOB]).toEqual({ balance: '0x1' });
    expect(got.stateDiff.post[COINBASE]).toEqual({ balance: hex(21000n) });
    expect(got.stateRoot).toMatch(/^0x[0-9a-f]{64}$/);
    expect(got.receiptsRoot).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it('reports engine and server phases in stats: the default engine is auto', async () => {
    const res = await post(app, batch({ txs: [transfer(ALICE, 0)] }));
    const { stats } = res.json();
    // A plain transfer commits on the host path of the parallel engine: labelled cpu.
    expect(stats).toMatchObject({ engine: 'auto', txs: 1, included: 1, rejected: 0, engines: { host: 1 } });
    for (const phase of ['decode', 'validate', 'parse', 'setup', 'execute', 'diff', 'roots']) {
      expect(stats.timingsMs[phase], phase).toBeGreaterThanOrEqual(0);
    }
  });

  it('omits the state root when options.stateRoot is false', async () => {
    const b = batch({ txs: [transfer(ALICE, 0)], options: { stateRoot: false } });
    const got = await executeAndCompare(app, b);
    expect(got.stateRoot).toBeNull();
  });

  it('runs the named engine: reference and auto give the same answer', async () => {
    const a = await post(app, batch({ txs: [transfer(ALICE, 0)], options: { engine: 'reference' } }));
    const b = await post(app, batch({ txs: [transfer(ALICE, 0)], options: { engine: 'auto' } }));
    expect(a.statusCode).toBe(200);
    expect(engineNeutral(a.json())).toEqual(engineNeutral(b.json()));
    expect(a.json().stats.engine).toBe('reference');
    expect(b.json().stats.engine).toBe('auto');
  });

  it('executes an empty batch', async () => {
    const got = await executeAndCompare(app, batch({ txs: [] }));
    expect(got).toMatchObject({ results: [], rejected: [], gasUsed: '0x0', stateDiff: { pre: {}, post: {} } });
  });

  it('accepts application/json with a charset parameter and answers JSON for */*', async () => {
    const b = batch({ txs: [transfer(ALICE, 0)] });
    const res = await post(app, b, { contentType: 'application/json; charset=utf-8', accept: '*/*' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(engineNeutral(res.json())).toEqual(await referenceResult(b));
  });
});
