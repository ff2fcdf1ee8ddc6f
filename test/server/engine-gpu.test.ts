import { afterAll, describe, expect, it } from 'vitest';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';
import { engineNeutral, newApp, post, referenceResult } from './helpers.js';

/** Engine `gpu` through the API: same body as the reference's, every transaction labelled by where it ran. */
describe('POST /v1/execute with options.engine = gpu', () => {
  const app = newApp();
  afterAll(() => app.close());

  it('answers what the reference answers, in JSON and msgpack, with engine labels gpu', async () => {
    const b = erc20TransferBatch({ transfers: 16 });
    const want = await referenceResult(b);
    const res = await post(app, { ...b, options: { engine: 'gpu' } });
    expect(res.statusCode).toBe(200);
    const got = res.json();
    expect(got.results.map((r: { engine: string }) => r.engine)).toEqual(Array(16).fill('gpu'));
    expect(got.stats.engine).toBe('gpu');
    expect(engineNeutral(got)).toEqual(want);
    const packed = await post(app, { ...b, options: { engine: 'gpu' } }, { as: 'msgpack', accept: 'application/vnd.msgpack' });
    expect(packed.statusCode).toBe(200);
  });
});
