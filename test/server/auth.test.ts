import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run as serve } from '../../src/cli/commands/serve.js';
import { bearerMatches } from '../../src/server/auth.js';
import { ALICE, batch, expectError, newApp, post, transfer } from './helpers.js';

/**
 * The bearer token (--auth-token-file): every request other than GET, HEAD and OPTIONS
 * must carry it, checked before the body is read; reads stay open.
 */
const TOKEN = 'test-token-0123456789abcdef';

function tokenFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'evmgpu-auth-')), 'token');
  writeFileSync(file, text);
  return file;
}

describe('bearer token', () => {
  const app = newApp({ authTokenFile: tokenFile(`${TOKEN}\n`), bodyLimit: 4096 });
  afterAll(() => app.close());
  const good = batch({ txs: [transfer(ALICE, 0)], options: { engine: 'reference' } });

  it('401 UNAUTHORIZED without a token, with a wrong one, or with another scheme', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789abcdef', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN, 'Bearer', '']) {
      const res = await post(app, good, { headers: authorization === undefined ? {} : { authorization } });
      expectError(res, 401, 'UNAUTHORIZED');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('200 with the token, whatever the case of the scheme', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const res = await post(app, good, { headers: { authorization: `${scheme} ${TOKEN}` } });
      expect(res.statusCode, res.body).toBe(200);
    }
  });

  it('refuses before reading the body: an oversized body without a token is 401, not 413', async () => {
    expectError(await post(app, 'x'.repeat(10_000)), 401, 'UNAUTHORIZED');
    expectError(await post(app, 'x'.repeat(10_000), { headers: { authorization: `Bearer ${TOKEN}` } }), 413, 'BODY_TOO_LARGE');
  });

  it('every write needs it, routes unknown today included; reads stay open', async () => {
    expectError(await app.inject({ method: 'POST', url: '/v1/chain/blocks', payload: '{}', headers: { 'content-type': 'application/json' } }), 401, 'UNAUTHORIZED');
    expectError(await app.inject({ method: 'PUT', url: '/v1/execute' }), 401, 'UNAUTHORIZED');
    for (const url of ['/healthz', '/metrics', '/v1/engines', '/v1/stats', '/docs/json']) {
      expect((await app.inject({ url })).statusCode, url).toBe(200);
    }
  });

  it('compares digests in constant time, whatever the lengths', () => {
    const expected = createHash('sha256').update(TOKEN).digest();
    expect(bearerMatches(`Bearer ${TOKEN}`, expected)).toBe(true);
    expect(bearerMatches(`Bearer ${'x'.repeat(10_000)}`, expected)).toBe(false);
    expect(bearerMatches(undefined, expected)).toBe(false);
    expect(bearerMatches('Bearer  ', expected)).toBe(false);
  });

  it('without a token file, nothing is asked', async () => {
    const open = newApp();
    try {
      expect((await post(open, good)).statusCode).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('evmgpu serve refuses an unreadable or short token file (exit 2, naming the flag)', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await serve(['--auth-token-file', '/nonexistent/token', '--port', '0'])).toBe(2);
      expect(err.mock.calls.at(-1)?.[0]).toMatch(/--auth-token-file: cannot read/);
      expect(await serve(['--auth-token-file', tokenFile('short'), '--port', '0'])).toBe(2);
      expect(err.mock.calls.at(-1)?.[0]).toMatch(/--auth-token-file: .* at least 16 characters/);
    } finally {
      err.mockRestore();
    }
  });
});
