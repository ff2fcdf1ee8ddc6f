import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hex, WireBatch } from '../../src/model/shapes.js';
import { batchKey } from '../../src/queue/batch-key.js';
import { BatchQueue } from '../../src/queue/connection.js';
import { generateBatch } from '../fuzz/generator.js';
import { caseParams, caseSeeds } from '../fuzz/params.js';
import { spawnServe, spawnService, type ChildService } from '../support/child-service.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';
import { engineNeutral, referenceResult } from '../server/helpers.js';

/**
 * Issue 18's acceptance test: a front (`evmgpu serve --nats`), a NATS server and three
 * worker processes (`evmgpu worker`). Batches of mixed workloads (the fuzzer's
 * generator: transfers, tokens, pools, creates, invalid transactions...) are posted by
 * several clients at once while a worker that is running a batch is killed with SIGKILL
 * at random moments and replaced. Every batch gets exactly one result, equal to the
 * reference engine's; the results bucket holds exactly one entry per batch; the
 * redeliveries (batches a killed worker held, run by another) are counted. Short form
 * here (200 batches, 6 kills); long form: `EVMGPU_LONG=1 npx vitest run test/queue/distributed-crash.test.ts`
 * (1,000 batches, 30 kills).
 */
const LONG = process.env.EVMGPU_LONG === '1';
const BATCHES = LONG ? 1000 : 200;
const KILLS = LONG ? 30 : 6;
const CLIENTS = 6;
const WORKERS = 3;
const PREFIX = 'crash';
const tsx = createRequire(import.meta.url).resolve('tsx');

let nats: NatsServer;
let front: ChildService;
const workers: ChildService[] = [];

function startWorker(): ChildService {
  return spawnService(
    ['--import', tsx, 'src/cli/main.ts', 'worker', '--nats', nats.url, '--nats-prefix', PREFIX, '--host', '127.0.0.1', '--metrics-port', '0', '--queue-ack-wait', '1500', '--cpu-workers', '1', '--log-level', 'info'],
    { cwd: new URL('../..', import.meta.url), env: { ...process.env, EVMGPU_NATS: '', EVMGPU_WORKER_METRICS_PORT: '' } },
  );
}

/** The batches: fuzz cases capped at 60 transactions, on the `cpu` and `reference` engines by turns. */
function batches(): WireBatch[] {
  return caseSeeds(0xd157, BATCHES).map((seed, i) => {
    const p = caseParams(seed);
    const wire = generateBatch({ ...p, size: Math.min(p.size, 60) });
    return { ...wire, options: { ...wire.options, engine: i % 2 ? 'cpu' : 'reference' } };
  });
}

beforeAll(async () => {
  nats = await startNatsServer({ maxPayload: '8MB' });
  front = spawnServe(['--host', '127.0.0.1', '--port', '0', '--nats', nats.url, '--nats-prefix', PREFIX, '--queue-ack-wait', '1500', '--max-batch-ms', '120000', '--max-batch-gas', '1e13', '--log-level', 'info'], {
    EVMGPU_NATS: '',
  });
  for (let i = 0; i < WORKERS; i++) workers.push(startWorker());
  await Promise.all(workers.map((w) => w.listening));
}, 120_000);

afterAll(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  front?.child.kill('SIGTERM');
  await front?.exited;
  await nats?.stop();
});

describe('distributed: a front, NATS and three workers killed at random', () => {
  it(`${BATCHES} batches each get exactly one result, equal to the reference`, async () => {
    const base = await front.listening;
    const all = batches();
    const hashes = all.map((b) => batchKey(b).hash);
    expect(new Set(hashes).size).toBe(BATCHES);
    const answers: unknown[] = new Array(BATCHES);
    let next = 0;
    let done = false;
    // The first failure stops every client (and the killer), so the test ends with it rather than at its timeout.
    let failed: unknown;

    /** POST, and on BATCH_PENDING (or a refusal) ask again later: every batch must end with one answer. */
    async function settle(i: number): Promise<void> {
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(`${base}/v1/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(all[i]) });
        const json: any = await res.json();
        if (res.status === 200) {
          expect(res.headers.get('x-evmgpu-batch-hash')).toBe(hashes[i]);
          answers[i] = json;
          return;
        }
        expect(res.status, JSON.stringify(json)).toBe(503);
        expect(['BATCH_PENDING', 'OVERLOADED', 'QUEUE_UNAVAILABLE']).toContain(json.error.code);
        if (attempt > 20) throw new Error(`batch ${i}: still ${json.error.code} after ${attempt} tries`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const clients = Array.from({ length: CLIENTS }, async () => {
      while (next < BATCHES && !failed) await settle(next++).catch((e) => void (failed ??= e));
    });

    /**
     * Kills a worker while it runs a batch (its /healthz names the batch in hand), and
     * starts another in its place. A batch already run three times is spared: a batch
     * delivered more than five times ends as BATCH_FAILED by design (a fresh worker's first
     * batch is slow, so the same batch would otherwise draw kill after kill).
     */
    let kills = 0;
    const killer = (async () => {
      while (!done && kills < KILLS) {
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 700));
        const slot = Math.floor(Math.random() * workers.length);
        const w = workers[slot];
        const url = await w.listening.catch(() => undefined);
        if (!url) continue;
        for (let polls = 0; polls < 100 && !done; polls++) {
          const health = (await fetch(`${url}/healthz`).then((r) => r.json()).catch(() => ({}))) as { batch?: { delivery: number } };
          if (health.batch && health.batch.delivery < 3) {
            w.child.kill('SIGKILL');
            await w.exited;
            kills++;
            // Its replacement starts in the background; the others go on meanwhile.
            workers[slot] = startWorker();
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    })();

    await Promise.all(clients);
    done = true;
    await killer;
    if (failed) throw failed;

    // Every answer is the reference's.
    for (let i = 0; i < BATCHES; i++) expect(engineNeutral(answers[i] as any), `batch ${i}`).toEqual(await referenceResult(all[i]));

    // The results bucket: one entry per batch, each written once; the redeliveries counted.
    const q = await BatchQueue.open({ urls: [nats.url], prefix: PREFIX, maxBatches: 1000, maxBytes: 1024 ** 3, ackWaitMs: 1500, resultTtlS: 86_400, role: 'worker' });
    try {
      const keys: string[] = [];
      for await (const k of await q.results.keys()) keys.push(k);
      expect(keys.sort()).toEqual([...hashes].sort());
      let redelivered = 0;
      for (const h of hashes) {
        const history: number[] = [];
        for await (const e of await q.results.history({ key: h })) history.push(e.revision);
        expect(history.length, h).toBe(1);
        const r = await q.record(h as Hex);
        expect(r?.record.result, h).toBeDefined();
        if (r!.record.delivery > 1) redelivered++;
      }
      console.log(`distributed crash test: ${BATCHES} batches, ${kills} workers killed while running one, ${redelivered} results stored by a redelivery`);
      expect(kills).toBe(KILLS);
      expect(redelivered).toBeGreaterThan(0);
    } finally {
      await q.close();
    }
  }, LONG ? 1_800_000 : 300_000);

  it('workers stop on SIGTERM: exit 0, and the front no longer lists them', async () => {
    const base = await front.listening;
    const ids = await Promise.all(workers.map(async (w) => (await w.waitFor(/"worker":"([^"]+)"/, 30_000))[1]));
    // A killed worker's announcement lingers until it expires (30 s); the live ones are what counts here.
    const listed = async () => ((await (await fetch(`${base}/v1/workers`)).json()) as { workers: { id: string }[] }).workers.map((w) => w.id);
    expect(await listed()).toEqual(expect.arrayContaining(ids));
    for (const w of workers) w.child.kill('SIGTERM');
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual(workers.map(() => 0));
    const after = await listed();
    expect(ids.filter((id) => after.includes(id))).toEqual([]);
  }, 60_000);
});
