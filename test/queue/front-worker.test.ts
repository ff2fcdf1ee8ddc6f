import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchQueue, type QueueOptions } from '../../src/queue/connection.js';
import { batchKey } from '../../src/queue/batch-key.js';
import { WorkerMetrics } from '../../src/queue/worker-metrics.js';
import { MAX_DELIVERIES, QueueWorker } from '../../src/queue/worker.js';
import { EngineRegistry } from '../../src/registry/registry.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';
import { ALICE, batch, engineNeutral, expectError, funded, newApp, post, referenceResult, sample, transfer } from '../server/helpers.js';
import type { WireBatch } from '../../src/model/shapes.js';

/**
 * The distributed mode in one process: a front app (inject) and a worker loop on one
 * NATS server. The crash test with worker processes is distributed-crash.test.ts.
 */
let nats: NatsServer;
let prefixN = 0;

beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats?.stop();
});

function queueOpts(role: 'front' | 'worker', prefix: string, over: Partial<QueueOptions> = {}): QueueOptions {
  return { urls: [nats.url], prefix, maxBatches: 100, maxBytes: 64 * 1024 * 1024, ackWaitMs: 5_000, resultTtlS: 600, role, ...over };
}

async function deployment(over: Partial<QueueOptions> = {}, opts: { worker?: boolean; maxBatchMs?: number } = {}) {
  const prefix = `t${process.pid}_${++prefixN}`;
  const front = await BatchQueue.open(queueOpts('front', prefix, over));
  const app = newApp({ maxBatchMs: opts.maxBatchMs ?? 30_000 }, { queue: front, registry: new EngineRegistry({ cpuWorkers: 1, cacheDir: false }) });
  let stopWorker = async () => {};
  let metrics: WorkerMetrics | undefined;
  if (opts.worker !== false) {
    const wq = await BatchQueue.open(queueOpts('worker', prefix, over));
    const registry = new EngineRegistry({ cpuWorkers: 1, cacheDir: false });
    metrics = new WorkerMetrics('w1');
    const worker = new QueueWorker(wq, registry, metrics, { id: 'w1', maxBatchMs: 30_000 });
    const running = worker.run();
    stopWorker = async () => {
      worker.stop();
      await running;
      await wq.close();
      await registry.close();
    };
  }
  return {
    app, front, metrics,
    async close() {
      await stopWorker();
      await app.close();
    },
  };
}

const transfers = (n: number, value: `0x${string}` = '0x1'): WireBatch => batch({ pre: funded(ALICE), txs: Array.from({ length: n }, (_, i) => transfer(ALICE, i, { value })), options: { engine: 'cpu' } });

describe('serve --nats: /v1/execute through the queue', () => {
  it('answers with the result a worker stored, equal to the reference; the same batch again is answered from the store', async () => {
    const d = await deployment();
    try {
      const b = transfers(5);
      const res = await post(d.app, b);
      expect(res.statusCode, res.body).toBe(200);
      const hash = batchKey(b).hash;
      expect(res.headers['x-evmgpu-batch-hash']).toBe(hash);
      expect(res.headers['x-evmgpu-worker']).toBe('w1');
      expect(res.headers['x-evmgpu-replayed']).toBeUndefined();
      expect(engineNeutral(res.json())).toEqual(await referenceResult(b));

      // The same batch as msgpack, keys in another order: the same hash, not run again.
      const reordered = { txs: b.txs, pre: b.pre, env: b.env, fork: b.fork, options: b.options };
      const again = await post(d.app, reordered, { as: 'msgpack', accept: 'application/json' });
      expect(again.statusCode, again.body).toBe(200);
      expect(again.headers['x-evmgpu-batch-hash']).toBe(hash);
      expect(again.headers['x-evmgpu-replayed']).toBe('true');
      expect(engineNeutral(again.json())).toEqual(engineNeutral(res.json()));
      expect(sample(await d.metrics!.registry.metrics(), 'evmgpu_worker_batches_total', { outcome: 'result', worker: 'w1' })).toBe(1);

      const stored = await d.app.inject({ method: 'GET', url: `/v1/results/${hash}` });
      expect(stored.statusCode).toBe(200);
      expect(engineNeutral(stored.json())).toEqual(engineNeutral(res.json()));
      const asMsgpack = await d.app.inject({ method: 'GET', url: `/v1/results/${hash}`, headers: { accept: 'application/vnd.msgpack' } });
      expect(asMsgpack.headers['content-type']).toMatch(/msgpack/);

      expectError(await d.app.inject({ method: 'GET', url: `/v1/results/0x${'0'.repeat(64)}` }), 404, 'RESULT_NOT_FOUND');
      expectError(await d.app.inject({ method: 'GET', url: '/v1/results/0x12' }), 400, 'INVALID_HEX');

      const workers = (await d.app.inject({ method: 'GET', url: '/v1/workers' })).json() as { workers: { id: string; engines: string[] }[] };
      expect(workers.workers.map((w) => w.id)).toEqual(['w1']);
      expect(workers.workers[0].engines).toContain('auto');
      const m = (await d.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(sample(m, 'evmgpu_queue_up')).toBe(1);
      expect(sample(m, 'evmgpu_queue_waiting_batches')).toBe(0);
      expect(sample(m, 'evmgpu_queue_worker_executed_batches', { worker: 'w1', adapter: 'not opened' })).toBe(1);
    } finally {
      await d.close();
    }
  });

  it('carries batches and results past one message through the object stores', async () => {
    const d = await deployment({ inlineLimit: 2048 });
    try {
      const b = transfers(40, '0x2');
      const res = await post(d.app, b);
      expect(res.statusCode, res.body).toBe(200);
      expect(engineNeutral(res.json())).toEqual(await referenceResult(b));
      const stored = await d.front.record(batchKey(b).hash);
      expect(stored?.record.result?.results.length).toBe(40);
    } finally {
      await d.close();
    }
  });

  it('bytes queued under another batch\'s hash are dropped; a stored failure of the service (5xx) is forgotten and the batch run afresh', async () => {
    const d = await deployment();
    try {
      expectError(await post(d.app, { ...transfers(1), options: { engine: 'nope' } }), 400, 'UNKNOWN_ENGINE');
      // Bytes that do not hash to the name they are queued under: dropped by the worker, nothing stored under that name.
      const named = transfers(1, '0xa');
      const forged = { bytes: batchKey(transfers(1, '0x9')).bytes, hash: batchKey(named).hash };
      await d.front.publish(forged);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const depth = await d.front.depth();
        if (depth.waiting === 0 && depth.inFlight === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await d.front.depth()).toMatchObject({ waiting: 0, inFlight: 0 });
      expect(await d.front.record(forged.hash)).toBeUndefined();
      expectError(await d.app.inject({ method: 'GET', url: `/v1/results/${forged.hash}` }), 404, 'RESULT_NOT_FOUND');
      // The batch that hash names still runs (another message ID than the forged one's, which the duplicate window remembers).
      await d.front.publish(batchKey(named), `${forged.hash}.again`);
      while (!(await d.front.record(forged.hash)) && Date.now() < deadline + 10_000) await new Promise((r) => setTimeout(r, 50));
      const ran = await d.app.inject({ method: 'GET', url: `/v1/results/${forged.hash}` });
      expect(ran.statusCode).toBe(200);
      expect(engineNeutral(ran.json())).toEqual(await referenceResult(named));

      const b = transfers(3, '0xb');
      const hash = batchKey(b).hash;
      await d.front.storeRecord(hash, { error: { code: 'BATCH_FAILED', status: 503, message: 'no worker finished it' }, worker: 'gone', ms: 0, delivery: 6 });
      const failed = await d.app.inject({ method: 'GET', url: `/v1/results/${hash}` });
      expectError(failed, 503, 'BATCH_FAILED');
      expect(Number(failed.headers['retry-after'])).toBeGreaterThan(0);
      const res = await post(d.app, b);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['x-evmgpu-worker']).toBe('w1');
      expect(engineNeutral(res.json())).toEqual(await referenceResult(b));
    } finally {
      await d.close();
    }
  });

  it('without a worker: BATCH_PENDING past the wait, then OVERLOADED with Retry-After once the queue holds its limit', async () => {
    const d = await deployment({ maxBatches: 2 }, { worker: false, maxBatchMs: 300 });
    try {
      for (const v of ['0x3', '0x4'] as const) {
        const res = await post(d.app, transfers(1, v));
        const e = expectError(res, 503, 'BATCH_PENDING');
        expect(e.message).toContain(batchKey(transfers(1, v)).hash);
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
      // The same batch again is not queued twice (its ID is within the duplicate window): still pending, not refused.
      expectError(await post(d.app, transfers(1, '0x3')), 503, 'BATCH_PENDING');
      const full = await post(d.app, transfers(1, '0x5'));
      expectError(full, 503, 'OVERLOADED');
      expect(Number(full.headers['retry-after'])).toBeGreaterThan(0);
      expect(sample((await d.app.inject({ method: 'GET', url: '/metrics' })).body, 'evmgpu_queue_waiting_batches')).toBe(2);
    } finally {
      await d.close();
    }
  });

  it(`a batch delivered ${MAX_DELIVERIES} times without a result ends with a stored BATCH_FAILED, not a sixth run`, async () => {
    const d = await deployment({ ackWaitMs: 1000 }, { worker: false, maxBatchMs: 200 });
    try {
      const b = transfers(2, '0xc');
      const hash = batchKey(b).hash;
      expectError(await post(d.app, b), 503, 'BATCH_PENDING');
      // Workers that take it and never finish: each delivery is given back at once (as a dead worker's would be after the ack wait).
      const consumer = await d.front.consumer();
      for (let i = 1; i <= MAX_DELIVERIES; i++) {
        const m = await consumer.next({ expires: 5_000 });
        expect(m?.info.deliveryCount).toBe(i);
        m!.nak();
      }
      const wq = await BatchQueue.open(queueOpts('worker', d.front.opts.prefix));
      const registry = new EngineRegistry({ cpuWorkers: 1, cacheDir: false });
      const metrics = new WorkerMetrics('w2');
      const worker = new QueueWorker(wq, registry, metrics, { id: 'w2', maxBatchMs: 30_000 });
      const running = worker.run();
      try {
        const deadline = Date.now() + 10_000;
        while (!(await d.front.record(hash)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const failed = await d.app.inject({ method: 'GET', url: `/v1/results/${hash}` });
        expect(expectError(failed, 503, 'BATCH_FAILED').message).toContain(`delivered ${MAX_DELIVERIES} times`);
        expect(sample(await metrics.registry.metrics(), 'evmgpu_worker_batches_total', { outcome: 'error' })).toBe(1);
        expect(sample(await metrics.registry.metrics(), 'evmgpu_worker_redeliveries_total')).toBe(1);
        // Posted again, it is forgotten and runs afresh.
        const res = await post(d.app, b, { headers: {} });
        expect(res.statusCode, res.body).toBe(200);
        expect(engineNeutral(res.json())).toEqual(await referenceResult(b));
      } finally {
        worker.stop();
        await running;
        await wq.close();
        await registry.close();
      }
    } finally {
      await d.close();
    }
  });

  it('a front started later finds a stored result by its hash', async () => {
    const d = await deployment();
    const b = transfers(1, '0xd');
    try {
      expect((await post(d.app, b)).statusCode).toBe(200);
    } finally {
      await d.close();
    }
    const again = await BatchQueue.open(queueOpts('front', d.front.opts.prefix));
    const app = newApp({}, { queue: again });
    try {
      const res = await app.inject({ method: 'GET', url: `/v1/results/${batchKey(b).hash}` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-evmgpu-replayed']).toBe('true');
      expect(engineNeutral(res.json())).toEqual(await referenceResult(b));
    } finally {
      await app.close();
    }
  });

  it('front and worker outlive a NATS restart: the next batch is answered, and nothing stored is lost', async () => {
    const d = await deployment({}, { maxBatchMs: 30_000 });
    try {
      const before = transfers(2, '0xe');
      expect((await post(d.app, before)).statusCode).toBe(200);
      await nats.restart();
      const after = transfers(2, '0xf');
      const t0 = performance.now();
      // While the connections come back the front may answer 503 QUEUE_UNAVAILABLE with Retry-After, never anything else.
      let res = await post(d.app, after);
      for (let tries = 0; res.statusCode === 503 && tries < 10; tries++) {
        expect(res.json().error.code).toBe('QUEUE_UNAVAILABLE');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        await new Promise((r) => setTimeout(r, 500));
        res = await post(d.app, after);
      }
      expect(res.statusCode, res.body).toBe(200);
      expect(engineNeutral(res.json())).toEqual(await referenceResult(after));
      // Within the waiters' look-again interval and a reconnect, not the 30 s deadline.
      expect(performance.now() - t0).toBeLessThan(15_000);
      expect((await d.app.inject({ method: 'GET', url: `/v1/results/${batchKey(before).hash}` })).statusCode).toBe(200);
    } finally {
      await d.close();
    }
  });

  it('without --nats the results routes answer RESULTS_NOT_ENABLED', async () => {
    const app = newApp();
    try {
      expectError(await app.inject({ method: 'GET', url: `/v1/results/0x${'1'.repeat(64)}` }), 404, 'RESULTS_NOT_ENABLED');
      expectError(await app.inject({ method: 'GET', url: '/v1/workers' }), 404, 'RESULTS_NOT_ENABLED');
    } finally {
      await app.close();
    }
  });
});
