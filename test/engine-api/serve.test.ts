import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeToken } from '../../src/engine-api/jwt.js';
import { spawnServe } from '../support/child-service.js';

/**
 * `evmgpu serve --data-dir` as a real process: besides the service it serves the Engine
 * API on --authrpc-port with the secret it wrote to <data-dir>/jwt.hex (mode 0600), and
 * /rpc on the service's port; SIGTERM closes both and exits 0.
 */
const dir = mkdtempSync(join(tmpdir(), 'evmgpu-serve-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('evmgpu serve with a data directory', () => {
  it('serves the Engine API on its own port with the secret it wrote, and /rpc', async () => {
    const { child, exited, output, waitFor } = spawnServe(['--host', '127.0.0.1', '--port', '0', '--authrpc-port', '0', '--data-dir', dir, '--log-level', 'info', '--cpu-workers', '1']);
    try {
      const engine = (await waitFor(/Engine API listening at (http:\/\/127\.0\.0\.1:\d+)/, 60_000))[1];
      const out = output();
      const service = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
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
