import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { WireBatch } from '../../src/model/shapes.js';
import { ENGINE_NAMES, type EngineRegistry } from '../../src/registry/registry.js';
import { ADVERSARIAL, adversarialBatch } from '../support/adversarial.js';
import { testRegistry } from '../support/registry.js';
import { until } from '../support/until.js';
import { executeAndCompare, expectError, newApp, post, sample } from './helpers.js';

/**
 * The per-batch deadline (--max-batch-ms): a batch still running at the deadline gets
 * 503 EXECUTION_TIMEOUT with a Retry-After, on time; its engine stops and gives its slot
 * back; and the batch after it, on the same engine, is exact: an abandoned batch left
 * nothing behind (engines keep no state, exec threads are terminated and replaced, the
 * GPU serves the next wave).
 */
const LOOP = ADVERSARIAL.findIndex((p) => p.name === 'infinite loop');
const KECCAK = ADVERSARIAL.findIndex((p) => p.name === 'KECCAK256 over 1 MiB');
const DEADLINE_MS = 1000;
/**
 * Slow on every engine, 240M gas: ethereumjs runs the loops at about 10 Mgas/s (4 x 30M
 * gas); the GPU runs them far faster, but hashes 40 MiB for each KECCAK256 program
 * slowly (lavapipe: 1.4 s for four with the loops, measured on engine gpu).
 */
const SLOW = [LOOP, LOOP, LOOP, LOOP, ...Array(12).fill(KECCAK)];

/** The registry's methods bound to it, so another app can share it without closing it. */
const bound = (r: EngineRegistry) => ({ get: r.get.bind(r), describe: r.describe.bind(r), names: r.names.bind(r), compilerReport: r.compilerReport.bind(r) });

const metric = async (app: FastifyInstance, name: string) => sample((await app.inject({ url: '/metrics' })).body, name);

/** A quick batch of transfers, logs and the stack limit: exact only if nothing of an earlier batch leaked in. */
const probe = (engine: string): WireBatch => adversarialBatch(['a thousand logs', 'maximal stack'].map((n) => ADVERSARIAL.findIndex((p) => p.name === n)), true, engine);

describe('per-batch deadline', () => {
  const registry = testRegistry();
  const app = newApp({ maxBatchMs: DEADLINE_MS }, { registry });
  // The same engines without the deadline, to warm them: GPU start-up takes seconds on lavapipe and cannot be cut short.
  const warm = newApp({}, { registry: { ...bound(registry), close: async () => undefined } });
  afterAll(async () => {
    await warm.close();
    await app.close();
  });

  for (const engine of ENGINE_NAMES) {
    it(`${engine}: 503 EXECUTION_TIMEOUT at the deadline, the slot freed, the next batch exact`, async () => {
      await executeAndCompare(warm, probe(engine));
      const t0 = performance.now();
      const res = await post(app, adversarialBatch(SLOW, false, engine));
      const ms = performance.now() - t0;
      const err = expectError(res, 503, 'EXECUTION_TIMEOUT');
      expect(err.message).toContain(`${DEADLINE_MS} ms`);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Answered at the deadline, not when the programs would have ended (many seconds).
      expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
      expect(ms).toBeLessThan(DEADLINE_MS + 3000);
      // The engine stops soon after (a GPU wave in flight finishes first) and frees its slot.
      await until(async () => (await metric(app, 'evmgpu_batches_running')) === 0, 15_000);
      // Exact afterwards (without the deadline: a fresh exec thread is not yet up to speed).
      await executeAndCompare(warm, probe(engine));
    });
  }
});
