import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runHttpLoad } from '../../bench/http/run.js';
import { newApp } from '../server/helpers.js';

/** The HTTP load script on a tiny batch for about a second per body form: the report's shape, and non-2xx caught. */
const FIGURES = ['contentType', 'accept', 'bodyBytes', 'durationS', 'connections', 'requests', 'ok2xx', 'non2xx', 'errors', 'timeouts', 'statusCodes', 'batchesPerSec', 'txPerSec', 'latencyMs'];

describe('HTTP load script', () => {
  it('drives an in-process service with JSON then msgpack bodies and reports both', async () => {
    const report = await runHttpLoad({ workload: 'native-transfer', txs: 4, seed: 1, durationS: 1, connections: 2, signed: true });
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.inProcess).toBe(true);
    expect(report.txs).toBe(4);
    for (const [name, f] of Object.entries(report.runs)) {
      expect(Object.keys(f).sort(), name).toEqual([...FIGURES].sort());
      expect(f.contentType).toBe(name === 'json' ? 'application/json' : 'application/vnd.msgpack');
      expect(f.ok2xx).toBeGreaterThan(0);
      expect(f.non2xx).toBe(0);
      expect(f.statusCodes).toEqual({ 200: f.requests });
      expect(f.txPerSec).toBeCloseTo(f.batchesPerSec * 4, 0);
      expect(f.latencyMs.p50).toBeLessThanOrEqual(f.latencyMs.p99);
    }
    expect(report.runs.msgpack.bodyBytes).toBeLessThan(report.runs.json.bodyBytes);
  }, 30_000);

  it('counts non-2xx answers and marks the run failed', async () => {
    // A service that knows no engine `nope` answers every request of this batch with a 4xx.
    const app = newApp();
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const report = await runHttpLoad({ url, workload: 'native-transfer', txs: 2, seed: 1, durationS: 1, connections: 1, engine: 'nope', signed: false });
      expect(report.ok).toBe(false);
      expect(report.inProcess).toBe(false);
      expect(report.runs.json.non2xx).toBeGreaterThan(0);
      expect(report.runs.json.ok2xx).toBe(0);
      expect(report.failures.join('\n')).toMatch(/json: \d+ non-2xx responses/);
      expect(report.failures.join('\n')).toMatch(/before the load, application\/json: HTTP 4\d\d/);
    } finally {
      await app.close();
    }
  }, 30_000);
});
