import { afterAll, describe, expect, it } from 'vitest';
import { EngineRegistry } from '../../src/registry/registry.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Batch, BatchResult, Hex, WireBatch } from '../../src/model/shapes.js';
import { DEFAULT_CONFIG } from '../../src/config/service.js';
import { BOB, ONE_ETH, batch, engineNeutral, env, hex, newApp, post, referenceResult } from './helpers.js';

/**
 * Rollup-sized batches. The reference engine runs about 1,000 transfers a second on
 * one core, so a 100k batch would take minutes there: the defaults are shown to accept
 * and parse 100k transactions with an engine that only records what it got, and a 10k
 * batch runs end to end on the reference engine.
 */
const sender = (i: number): Hex => `0x${'aa'}${i.toString(16).padStart(38, '0')}`;

/** `n` transfers of 1 wei from `senders` accounts, round robin, nonces increasing per sender. */
function transfers(n: number, senders: number): WireBatch {
  const pre: WireBatch['pre'] = {};
  for (let s = 0; s < senders; s++) pre[sender(s)] = { balance: hex(ONE_ETH), nonce: '0x0' };
  const txs: WireBatch['txs'] = [];
  for (let i = 0; i < n; i++) {
    txs.push({ from: sender(i % senders), to: BOB, nonce: hex(Math.floor(i / senders)), gas: '0x5208', maxFeePerGas: '0xa', maxPriorityFeePerGas: '0x1', value: '0x1' });
  }
  return batch({ env: env({ gasLimit: hex(21000 * n) }), pre, txs });
}

class RecordingEngine implements Engine {
  readonly name = 'recording';
  readonly description = 'records the batch it is given';
  seen: Batch | undefined;
  async execute(b: Batch): Promise<BatchResult> {
    this.seen = b;
    const zero = (n: number) => new Uint8Array(n);
    return {
      results: [], rejected: [], stateDiff: { pre: {}, post: {} }, stateRoot: null, receiptsRoot: zero(32), logsBloom: zero(256), logsHash: zero(32),
      gasUsed: 0n, blobGasUsed: 0n, stats: { mode: 'sequential', engine: this.name, txs: b.txs.length, included: 0, rejected: 0, engines: {}, timingsMs: {} },
    };
  }
}

describe('large batches', () => {
  it('the defaults accept a 100,000-transaction batch (JSON and msgpack), once its gas is allowed', async () => {
    expect(DEFAULT_CONFIG.maxTxs).toBeGreaterThanOrEqual(100_000);
    const engine = new RecordingEngine();
    const real = new EngineRegistry();
    const registry = { get: () => engine, describe: () => real.describe(), names: () => real.names(), close: () => real.close(), compilerReport: () => real.compilerReport() };
    // 2.1G declared gas: past the default, which is sized for the deadline (README, Limits); a rollup operator raises both.
    const app = newApp({ maxBatchGas: 21_000 * 100_000 }, { registry });
    try {
      const b = transfers(100_000, 100);
      const json = JSON.stringify(b);
      // Far above fastify's 1 MiB default: the body limit must have been raised.
      expect(json.length).toBeGreaterThan(15 * 1024 * 1024);
      expect(json.length).toBeLessThan(DEFAULT_CONFIG.bodyLimit);

      for (const as of ['json', 'msgpack'] as const) {
        engine.seen = undefined;
        const res = await post(app, as === 'json' ? json : b, { as });
        expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
        expect(res.json().stats.txs).toBe(100_000);
        const seen = engine.seen!;
        expect(seen.txs).toHaveLength(100_000);
        const last = seen.txs[99_999];
        expect(last.kind === 'unsigned' && last.tx.nonce).toBe(999n);
        expect(seen.pre.size).toBe(100);
      }
    } finally {
      await app.close();
    }
  });

  describe('10,000 transfers end to end on the default engine (auto), which equals the reference', () => {
    const app = newApp();
    afterAll(() => app.close());

    it('includes every transaction and charges exactly 21000 gas each', async () => {
      const n = 10_000;
      const b = transfers(n, 50);
      const res = await post(app, b);
      expect(res.statusCode).toBe(200);
      const got = res.json();
      expect(engineNeutral(got)).toEqual(await referenceResult(b));
      expect(got.rejected).toEqual([]);
      expect(got.results).toHaveLength(n);
      expect(got.gasUsed).toBe(hex(21000 * n));
      expect(got.results[n - 1]).toMatchObject({ index: n - 1, status: '0x1', cumulativeGasUsed: hex(21000 * n) });
      expect(got.stateDiff.post[BOB]).toEqual({ balance: hex(n) });
      expect(got.stateDiff.post[sender(0)]).toEqual({ balance: hex(ONE_ETH - 200n * (21000n * 8n + 1n)), nonce: hex(200) });
      // 50 senders: each sender's first transfer commits on the host path, its successors too (nonce chains need no worker).
      expect(got.stats).toMatchObject({ engine: 'auto', txs: n, included: n, rejected: 0, engines: { host: n } });
    });
  });
});
