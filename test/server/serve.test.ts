import { describe, expect, it } from 'vitest';
import { spawnServe } from '../support/child-service.js';
import { ALICE, batch, transfer } from './helpers.js';

/**
 * `evmgpu serve` as a real process: it listens, answers over TCP, and on SIGTERM
 * finishes and exits 0. The only test that leaves inject, because listening and
 * signal handling are what it checks.
 */

describe('evmgpu serve', () => {
  it('serves over TCP with request-id logs and exits 0 on SIGTERM', async () => {
    const cli = spawnServe(['--host', '127.0.0.1', '--port', '0', '--log-level', 'info']);
    try {
      const base = await cli.listening;
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok' });

      const res = await fetch(`${base}/v1/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'serve-test-1' },
        body: JSON.stringify(batch({ txs: [transfer(ALICE, 0)] })),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe('serve-test-1');
      expect(((await res.json()) as { results: { gasUsed: string }[] }).results[0].gasUsed).toBe('0x5208');

      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
      const logs = cli.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      expect(logs.some((l) => l.reqId === 'serve-test-1' && l.res?.statusCode === 200)).toBe(true);
      expect(logs.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM')).toBe(true);
      // Child services run with EVMGPU_GPU_WARM_UP=off (support/child-service.ts).
      expect(logs.some((l) => /GPU warm/.test(l.msg))).toBe(false);
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('with --gpu-warm-up on, opens the GPU and creates the kernels in the background while it answers', async () => {
    const cli = spawnServe(['--host', '127.0.0.1', '--port', '0', '--log-level', 'info', '--gpu-warm-up', 'on']);
    try {
      const base = await cli.listening;
      const health = async () => ((await (await fetch(`${base}/healthz`)).json()) as { gpu: string }).gpu;
      // While the kernels are made (9-94 s on lavapipe), the route is preparing: batches take the CPU routes.
      expect(['closed', 'preparing']).toContain(await health());
      const [line] = await cli.waitFor(/\{[^\n]*"msg":"GPU warm[^\n]*\}/, 180_000);
      const log = JSON.parse(line) as { engine: string; ms: number; msg: string };
      expect(log).toMatchObject({ engine: 'auto', msg: 'GPU warmed up: device open, kernels created, buffers sized' });
      expect(log.ms).toBeGreaterThan(0);
      expect(await health()).toBe('ready');
      const res = await fetch(`${base}/v1/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch({ txs: [transfer(ALICE, 0)] })),
      });
      expect(res.status).toBe(200);
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    } finally {
      cli.child.kill('SIGKILL');
    }
  }, 240_000);

  it('exits 1 when it cannot listen', async () => {
    const first = spawnServe(['--host', '127.0.0.1', '--port', '0', '--log-level', 'info']);
    try {
      const port = new URL(await first.listening).port;
      const second = spawnServe(['--host', '127.0.0.1', '--port', port, '--log-level', 'silent']);
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain('cannot listen');
      first.child.kill('SIGINT');
      expect(await first.exited).toBe(0);
    } finally {
      first.child.kill('SIGKILL');
    }
  });
});
