import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/engine-api/methods.js';
import { loadOrCreateSecret, makeToken } from '../../src/engine-api/jwt.js';
import { startEngineApi } from '../../src/engine-api/start.js';
import type { EngineChain } from '../../src/engine-api/forkchoice.js';

/**
 * The Engine API's port and its JWT authentication (execution-apis, authentication.md):
 * the secret file written on first start (mode 0600) and read on the next, HS256 tokens
 * with `iat` within 60 s; anything else is HTTP 401 and runs nothing.
 */
const dir = mkdtempSync(join(tmpdir(), 'evmgpu-jwt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the JWT secret file', () => {
  it('is written with mode 0600 when absent, and read back unchanged on the next start', () => {
    const file = join(dir, 'sub', 'jwt.hex');
    const first = loadOrCreateSecret(file);
    expect(first.created).toBe(true);
    expect(first.secret).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toMatch(/^0x[0-9a-f]{64}$/);
    const again = loadOrCreateSecret(file);
    expect(again).toEqual({ secret: first.secret, created: false });
  });

  it('refuses a file that is not a 256-bit hex secret; takes one without 0x', () => {
    const bad = join(dir, 'bad.hex');
    writeFileSync(bad, 'abcd\n');
    expect(() => loadOrCreateSecret(bad)).toThrow(/64 hex digits/);
    const plain = join(dir, 'plain.hex');
    writeFileSync(plain, 'ab'.repeat(32));
    expect(loadOrCreateSecret(plain).secret).toEqual(new Uint8Array(32).fill(0xab));
  });
});

describe('the Engine API port', async () => {
  const file = join(dir, 'server-jwt.hex');
  const noChain = { store: { genesis: () => undefined, headNumber: () => undefined } } as unknown as EngineChain;
  const running = await startEngineApi(noChain, { host: '127.0.0.1', port: 0, jwtSecretFile: file, logLevel: 'silent' });
  afterAll(() => running.app.close());
  const { secret } = loadOrCreateSecret(file);
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'engine_exchangeCapabilities', params: [['engine_newPayloadV4']] });
  const post = (authorization?: string) =>
    fetch(running.address, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body });
  const now = () => Math.floor(Date.now() / 1000);

  it('wrote the secret on its first start', () => {
    expect(running.createdSecret).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('answers a request with a valid token (iat now, or within 60 s either way)', async () => {
    for (const iat of [now(), now() - 55, now() + 55]) {
      const res = await post(`Bearer ${await makeToken(secret, iat)}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ jsonrpc: '2.0', id: 1, result: [...CAPABILITIES] });
    }
  });

  it('refuses with 401: no token, another secret, a stale or future iat, no iat, alg none, not a bearer', async () => {
    const other = new Uint8Array(32).fill(7);
    const tokens: (string | undefined)[] = [
      undefined,
      `Bearer ${await makeToken(other)}`,
      `Bearer ${await makeToken(secret, now() - 120)}`,
      `Bearer ${await makeToken(secret, now() + 120)}`,
      `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(secret)}`,
      `Bearer ${new UnsecuredJWT({ iat: now() }).encode()}`,
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      'Bearer not.a.jwt',
    ];
    for (const t of tokens) {
      const res = await post(t);
      expect(res.status, t).toBe(401);
      expect(((await res.json()) as any).error.message).toMatch(/^unauthorized/);
    }
  });

  it('engine_getClientVersionV1 names the service', async () => {
    const res = await fetch(running.address, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await makeToken(secret)}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'engine_getClientVersionV1', params: [{ code: 'OP', name: 'op-node', version: '1', commit: '0x01020304' }] }),
    });
    const [v] = ((await res.json()) as any).result;
    expect(v).toMatchObject({ code: 'EG', name: 'evmgpu', commit: '0x00000000' });
    expect(typeof v.version).toBe('string');
  });
});
