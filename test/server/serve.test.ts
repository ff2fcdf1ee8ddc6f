import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ALICE, batch, transfer } from './helpers.js';

/**
 * `evmgpu serve` as a real process: it listens, answers over TCP, and on SIGTERM
 * finishes and exits 0. The only test that leaves inject, because listening and
 * signal handling are what it checks.
 */
const tsx = createRequire(import.meta.url).resolve('tsx');

function startCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', tsx, 'src/cli/main.ts', 'serve', ...args], {
    cwd: new URL('../..', import.meta.url),
    env: { ...process.env, EVMGPU_HOST: '', EVMGPU_PORT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearInterval(poll);
        resolve(m[1]);
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(poll);
      reject(new Error(`serve exited with ${code} before listening:\n${out}`));
    });
  });
  // Not every caller waits for it (a server expected to fail never listens).
  listening.catch(() => undefined);
  return { child, listening, exited, output: () => out };
}

describe('evmgpu serve', () => {
  it('serves over TCP with request-id logs and exits 0 on SIGTERM', async () => {
    const cli = startCli(['--host', '127.0.0.1', '--port', '0', '--log-level', 'info']);
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
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('exits 1 when it cannot listen', async () => {
    const first = startCli(['--host', '127.0.0.1', '--port', '0', '--log-level', 'info']);
    try {
      const port = new URL(await first.listening).port;
      const second = startCli(['--host', '127.0.0.1', '--port', port, '--log-level', 'silent']);
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain('cannot listen');
      first.child.kill('SIGINT');
      expect(await first.exited).toBe(0);
    } finally {
      first.child.kill('SIGKILL');
    }
  });
});
