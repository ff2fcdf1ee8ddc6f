import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chain } from '../../../src/rollup/chain.js';
import type { FastifyInstance } from 'fastify';
import { testRegistry } from '../../support/registry.js';
import { engineNeutral, newApp, referenceResult, sample } from '../helpers.js';
import { fuzzConfig } from './config.js';
import { makeSeeds } from './requests.js';
import { runFuzz, type FuzzReport } from './run.js';

/**
 * The request fuzzer against a real listening server (test/server/README.md): a token,
 * a chain in a temporary data directory, tight admission bounds so that some requests
 * meet a 503, then `count` mutated and random requests, then a valid batch whose answer
 * must equal the reference engine's.
 */
const cfg = fuzzConfig();
const NO_GPU = () => Promise.reject(new Error('no GPU in the request fuzzer'));
const TOKEN = 'fuzz-token-0123456789abcdef';

/**
 * POSTs with the token, retrying a load 503 for up to 60 s: the server shares this
 * process with the test, whose setup can hold the event loop past the pressure bound.
 */
async function postPastPressure(to: string, body: unknown): Promise<Response> {
  const end = performance.now() + 60_000;
  for (;;) {
    const res = await fetch(to, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
    if (res.status !== 503 || performance.now() > end) return res;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe(`request fuzzer: ${cfg.count} requests, seed ${cfg.seed}, ${cfg.concurrency} clients`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'evmgpu-reqfuzz-'));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, TOKEN);
  const registry = testRegistry({ runtime: { cpuWorkers: 1 }, openGpu: NO_GPU });
  let app: FastifyInstance;
  let url = '';
  const crashes: unknown[] = [];
  const onCrash = (e: unknown) => crashes.push(e);

  beforeAll(async () => {
    app = newApp(
      { bodyLimit: cfg.bodyLimit, maxTxs: 64, maxBatchGas: 5_000_000, maxBatchMs: 5000, maxConcurrentBatches: 1, maxQueuedGas: 300_000, authTokenFile: tokenFile },
      { registry, chain: new Chain({ dir: join(dir, 'chain'), rollbackDepth: 8, stateCacheBytes: 1 << 20 }, registry) },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    // The chain starts initialised, so mutated blocks meet the checks past "no genesis".
    const init = await postPastPressure(`${url}/v1/chain/init`, makeSeeds().init);
    expect(init.status, await init.clone().text()).toBe(200);
  });
  afterAll(async () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let report: FuzzReport;
  it('every answer is a coded 4xx, a 2xx, or a load 503 with Retry-After; no request goes unanswered', async () => {
    report = await runFuzz({ url, count: cfg.count, seed: cfg.seed, concurrency: cfg.concurrency, bodyLimit: cfg.bodyLimit, token: TOKEN });
    if (cfg.verbose) console.log(JSON.stringify({ requests: report.requests, seconds: report.seconds, load503: report.load503, msByKind: report.msByKind, byKind: report.byKind }, null, 1));
    expect(report.requests).toBe(cfg.count);
    expect(JSON.stringify(report.failures.slice(0, 10), null, 1)).toBe('[]');
    expect(crashes).toEqual([]);
  }, Math.max(600_000, cfg.count * 60));

  it('covers every endpoint family with both accepted and refused requests', () => {
    for (const kind of ['execute', 'execute-valid', 'execute-raw', 'execute-deep', 'rpc', 'chain-block', 'chain-get', 'get', 'wrong-method']) {
      expect(Object.keys(report.byKind[kind] ?? {}).length, kind).toBeGreaterThan(0);
    }
    const statuses = new Set(Object.values(report.byKind).flatMap((c) => Object.keys(c).map(Number)));
    for (const s of [200, 400, 401, 404, 413, 415]) expect(statuses, `status ${s}`).toContain(s);
  });

  it('the server still executes a valid batch correctly, and its health and metrics answer', async () => {
    for (const b of makeSeeds().execute) {
      const res = await postPastPressure(`${url}/v1/execute`, b);
      expect(res.status).toBe(200);
      expect(engineNeutral((await res.json()) as Parameters<typeof engineNeutral>[0])).toEqual(await referenceResult(b));
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(sample(metrics, 'evmgpu_batches_running')).toBe(0);
    expect(sample(metrics, 'evmgpu_batches_queued')).toBe(0);
    expect((await fetch(`${url}/v1/chain/head`)).status).toBe(200);
  });
});
