import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { WireBatch } from '../../src/model/shapes.js';
import { Admission } from '../../src/server/admission.js';
import { ADVERSARIAL, adversarialBatch } from '../support/adversarial.js';
import { until } from '../support/until.js';
import { expectError, newApp, post, sample } from './helpers.js';

/**
 * Admission control: slots, queued gas and bodies held, each past its bound refused
 * at once with 503 OVERLOADED and a Retry-After; batches that fit wait and run in order.
 */
const LOOP = ADVERSARIAL.findIndex((p) => p.name === 'infinite loop');

/** One loop transaction of `gas` (about 10-25 Mgas/s on ethereumjs here). */
function loop(gas: bigint): WireBatch {
  const b = adversarialBatch([LOOP], false, 'reference');
  b.txs[0] = { ...b.txs[0], gas: `0x${gas.toString(16)}` } as WireBatch['txs'][number];
  return b;
}

describe('admission', () => {
  it('one slot: the next batches wait while their gas fits the queue, the one past it gets 503 OVERLOADED', async () => {
    const app = newApp({ maxConcurrentBatches: 1, maxQueuedGas: 20_000_000 });
    try {
      const first = post(app, loop(15_000_000n));
      await until(async () => sample((await app.inject({ url: '/metrics' })).body, 'evmgpu_batches_running') === 1);
      const second = post(app, loop(10_000_000n));
      const third = post(app, loop(10_000_000n));
      await until(async () => sample((await app.inject({ url: '/metrics' })).body, 'evmgpu_batches_queued') === 2);
      // 20M queued: a 1M batch does not fit.
      const refused = await post(app, loop(1_000_000n));
      const err = expectError(refused, 503, 'OVERLOADED');
      expect(err.message).toMatch(/1 batches executing and 2 waiting with 20000000 gas/);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      const done = await Promise.all([first, second, third]);
      expect(done.map((r) => r.statusCode)).toEqual([200, 200, 200]);
      // The waiting time is reported as its own phase.
      expect(done[2].json().stats.timingsMs.queue).toBeGreaterThan(0);
      const metrics = (await app.inject({ url: '/metrics' })).body;
      expect(sample(metrics, 'evmgpu_requests_refused', { bound: 'queue' })).toBe(1);
      expect(sample(metrics, 'evmgpu_batches_running')).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('bodies held at once: past the bound, 503 OVERLOADED before the body is read', async () => {
    const body = JSON.stringify(loop(10_000_000n));
    const app = newApp({ maxPendingBytes: Math.floor(body.length * 1.5) });
    try {
      const running = post(app, body);
      await until(async () => sample((await app.inject({ url: '/metrics' })).body, 'evmgpu_batches_running') === 1);
      expectError(await post(app, body), 503, 'OVERLOADED');
      expect((await running).statusCode).toBe(200);
      // Released with the answer: the same body fits again.
      expect((await post(app, body)).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('a client that goes away abandons its batch: the engine stops and the slot is freed', async () => {
    const app = newApp();
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const gone = fetch(`${url}/v1/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(adversarialBatch([LOOP, LOOP, LOOP, LOOP], false, 'cpu')), signal: AbortSignal.timeout(1000) });
      await expect(gone).rejects.toThrow();
      const t0 = performance.now();
      await until(async () => sample((await app.inject({ url: '/metrics' })).body, 'evmgpu_batches_running') === 0, 5000);
      expect(performance.now() - t0).toBeLessThan(5000);
    } finally {
      await app.close();
    }
  });

  it('Retry-After follows the work ahead at the observed speed, between 1 and 60 s', async () => {
    const a = new Admission({ maxConcurrentBatches: 1, maxQueuedGas: 1e12, maxPendingBytes: 1e6 });
    expect(a.retryAfterS()).toBe(1);
    a.observe(10_000_000, 1000);
    const release = await a.admit(30_000_000);
    expect(a.retryAfterS()).toBe(3);
    const queued = a.admit(50_000_000);
    expect(a.overloaded('busy').retryAfterS).toBe(8);
    const waiting = new AbortController();
    const huge = a.admit(1e11, waiting.signal);
    expect(a.retryAfterS()).toBe(60);
    waiting.abort(new Error('gone'));
    await expect(huge).rejects.toThrow('gone');
    release();
    (await queued)();
    expect(a.snapshot()).toEqual({ running: 0, queued: 0, queuedGas: 0, pendingBytes: 0 });
  });
});
