import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeToken } from '../../src/engine-api/jwt.js';

/**
 * `evmgpu serve --data-dir` as a real process: besides the service it serves the Engine
 * API on --authrpc-port with the secret it wrote to <data-dir>/jwt.hex (mode 0600), and
 * /rpc on the service's port; SIGTERM closes both and exits 0.
 */
const tsx = createRequire(import.meta.url).resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'evmgpu-serve-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('evmgpu serve with a data directory', () => {
  it('serves the Engine API on its own port with the secret it wrote, and /rpc', async () => {
    const child = spawn(process.execPath, ['--import', tsx, 'src/cli/main.ts', 'serve', '--host', '127.0.0.1', '--port', '0', '--authrpc-port', '0', '--data-dir', dir, '--log-level', 'info', '--cpu-workers', '1'], {
      cwd: new URL('../..', import.meta.url),
      env: { ...process.env, EVMGPU_HOST: '', EVMGPU_PORT: '', EVMGPU_DATA_DIR: '', EVMGPU_AUTHRPC_PORT: '', EVMGPU_AUTHRPC_JWTSECRET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const started = Date.now();
      while (!/Engine API listening at/.test(out)) {
        if (Date.now() - started > 60_000 || child.exitCode !== null) throw new Error(`serve did not start the Engine API:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const service = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
      const engine = /Engine API listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
      expect(out.indexOf('Server listening at')).toBeLessThan(out.indexOf('Engine API listening at'));
      const file = join(dir, 'jwt.hex');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const secret = new Uint8Array(Buffer.from(readFileSync(file, 'utf8').trim().slice(2), 'hex'));
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'engine_exchangeCapabilities', params: [[]] });
      const refused = await fetch(engine, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(refused.status).toBe(401);
      const ok = await fetch(engine, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await makeToken(secret)}` }, body });
      expect(((await ok.json()) as any).result).toContain('engine_forkchoiceUpdatedV3');
      const rpc = await fetch(`${service}/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber' }) });
      expect(((await rpc.json()) as any).error).toMatchObject({ code: -32000, message: expect.stringContaining('not initialised') });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
