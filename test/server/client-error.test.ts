import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { newApp } from './helpers.js';

/** Everything the server writes on one connection until it closes it. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

/**
 * Found by the request fuzzer (test/server/request-fuzz/): bytes Node's HTTP parser refuses
 * got fastify's uncoded `{"error":"Bad Request","message":"Client Error"}`. They now get a
 * coded 400 INVALID_REQUEST, and the server goes on serving.
 */
describe('requests the HTTP parser refuses', () => {
  let app: FastifyInstance;
  let port = 0;
  beforeAll(async () => {
    app = newApp();
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(() => app.close());

  const CASES: [string, string][] = [
    ['a request line that is not HTTP', 'HELLO\r\n\r\n'],
    ['a header without a colon', 'GET /healthz HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n'],
    ['a body past a lying Content-Length', 'OPTIONS /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n{}'],
    ['a header block past the size limit', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
  ];
  for (const [name, bytes] of CASES) {
    it(`${name}: 400 INVALID_REQUEST with a coded body`, async () => {
      const answer = await exchange(port, bytes);
      const last = answer.lastIndexOf('HTTP/1.1 ');
      expect(answer.slice(last, last + 12)).toBe('HTTP/1.1 400');
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n', last) + 4)) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('INVALID_REQUEST');
      expect(body.error.message).toMatch(/malformed HTTP request \(HPE_/);
    });
  }

  it('the server answers normally afterwards', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
