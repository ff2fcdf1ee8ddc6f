import { connect, type AddressInfo } from 'node:net';
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
    const app = newApp({ maxConcurrentBatches: 1, maxQueuedBatches: 3, maxQueuedGas: 20_000_000 });
    try {
      const first = post(app, loop(15_000_000n));
      await until(async () => sample((await app.inject({ url: '/metrics' })).body, 'evmgpu_batches_running') === 1);
      const second = post(app, loop(10_000_000n));
      const third = post(app, loop(10_000_000n));
      await until(async () => sample((await app.inject({ url: '/metrics' })).body, 'evmgpu_batches_queued') === 2);
      // 20M queued: a 1M batch does not fit.
      const refused = await post(app, loop(1_000_000n));
      const err = expectError(refused, 503, 'OVERLOADED');
      expect(err.message).toMatch(/1 batches executing and 2 waiting \(at most 3\) with 20000000 gas, at most 20000000/);
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

  it('a full line: with every slot taken and maxQueuedBatches waiting, the next request is refused before its body is read', async () => {
    const app = newApp({ maxConcurrentBatches: 1, maxQueuedBatches: 1 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = app.server.address() as AddressInfo;
      const running = post(app, loop(10_000_000n));
      await until(async () => sample((await app.inject({ url: '/metrics' })).body, 'evmgpu_batches_running') === 1);
      const waiting = post(app, loop(1_000_000n));
      await until(async () => sample((await app.inject({ url: '/metrics' })).body, 'evmgpu_batches_queued') === 1);
      // Headers that announce a body which never comes: only a refusal made before reading it can answer.
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write('POST /v1/execute HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n'));
        let text = '';
        socket.on('data', (d) => {
          text += d.toString();
          if (text.includes('}}')) {
            socket.destroy();
            resolve(text);
          }
        });
        socket.on('error', reject);
        setTimeout(() => reject(new Error(`no answer before the body: ${text}`)), 5000);
      });
      expect(answer).toMatch(/^HTTP\/1.1 503/);
      expect(answer).toMatch(/retry-after: \d+/i);
      expect(answer).toContain('"code":"OVERLOADED"');
      expect(answer).toContain('1 batches executing and 1 waiting (at most 1)');
      expect((await running).statusCode).toBe(200);
      expect((await waiting).statusCode).toBe(200);
      const metrics = (await app.inject({ url: '/metrics' })).body;
      expect(sample(metrics, 'evmgpu_requests_refused', { bound: 'waiting' })).toBe(1);
      expect(sample(metrics, 'evmgpu_requests_refused', { bound: 'queue' })).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('the line bound without a server: refuseUnseen and admit refuse only while every slot is taken and the line is full', async () => {
    const a = new Admission({ maxConcurrentBatches: 1, maxQueuedBatches: 1, maxQueuedGas: 1e12, maxPendingBytes: 1e6 });
    a.refuseUnseen();
    const first = await a.admit(1);
    a.refuseUnseen();
    const second = a.admit(1);
    expect(() => a.refuseUnseen()).toThrow(/1 batches executing and 1 waiting \(at most 1\)/);
    // A request whose body was read while the line filled is refused by admit itself.
    await expect(a.admit(1)).rejects.toMatchObject({ code: 'OVERLOADED', statusCode: 503 });
    expect(a.refused.waiting).toBe(2);
    first();
    const secondRelease = await second;
    a.refuseUnseen();
    secondRelease();
    // No line at all: a batch runs or is refused.
    const none = new Admission({ maxConcurrentBatches: 1, maxQueuedBatches: 0, maxQueuedGas: 1e12, maxPendingBytes: 1e6 });
    const only = await none.admit(1);
    expect(() => none.refuseUnseen()).toThrow(/OVERLOADED|executing/);
    only();
    none.refuseUnseen();
  });

  it('a refusal carries no stack: under a flood its capture cost the main thread', () => {
    const a = new Admission({ maxConcurrentBatches: 1, maxQueuedBatches: 1, maxQueuedGas: 1, maxPendingBytes: 1 });
    const err = a.overloaded('busy');
    expect(err.stack?.split('\n')).toHaveLength(1);
    expect(new Error('x').stack?.split('\n').length).toBeGreaterThan(1);
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
    const a = new Admission({ maxConcurrentBatches: 1, maxQueuedBatches: 2, maxQueuedGas: 1e12, maxPendingBytes: 1e6 });
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
