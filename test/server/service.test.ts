import { afterAll, describe, expect, it } from 'vitest';
import { EngineRegistry } from '../../src/registry/registry.js';
import { ServiceErrors, TxRejections } from '../../src/errors/registry.js';
import { ALICE, BOB, batch, expectError, newApp, post, sample, transfer } from './helpers.js';

describe('service routes', () => {
  const app = newApp();
  afterAll(() => app.close());

  it('GET /healthz reports ok, the version and the engines', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', version: '0.1.0', engines: new EngineRegistry().names(), uptimeSeconds: expect.any(Number), gpu: 'closed' });
    expect(res.json().engines).toEqual(expect.arrayContaining(['reference', 'cpu', 'gpu', 'auto']));
  });

  it('GET /v1/engines describes each engine name', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/engines' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ default: 'auto', engines: new EngineRegistry().describe() });
    expect(res.json().engines.find((e: { name: string }) => e.name === 'auto').resolvesTo).toBe('auto');
  });

  it('GET /metrics counts requests, batches, transactions, gas and phases', async () => {
    const before = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const b = batch({ txs: [transfer(ALICE, 0), transfer(ALICE, 1), transfer(ALICE, 7)] });
    expect((await post(app, b)).statusCode).toBe(200);
    expectError(await post(app, '{'), 400, 'INVALID_JSON');
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const after = res.body;
    const delta = (name: string, labels: Record<string, string> = {}) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);

    expect(delta('evmgpu_http_requests_total', { route: '/v1/execute', status: '200' })).toBe(1);
    expect(delta('evmgpu_http_requests_total', { route: '/v1/execute', status: '400' })).toBe(1);
    expect(delta('evmgpu_batch_transactions_count')).toBe(1);
    expect(delta('evmgpu_batch_transactions_sum')).toBe(3);
    // Plain transfers commit on the default engine's host path, labelled cpu.
    expect(delta('evmgpu_transactions_executed_total', { engine: 'host' })).toBe(2);
    expect(delta('evmgpu_transactions_rejected_total', { code: 'TX_NONCE_TOO_HIGH' })).toBe(1);
    expect(delta('evmgpu_gas_executed_total', { engine: 'auto' })).toBe(42000);
    for (const phase of ['decode', 'validate', 'parse', 'execute', 'roots', 'encode']) {
      expect(delta('evmgpu_batch_phase_duration_seconds_count', { phase }), phase).toBe(1);
    }
    // Default process metrics are there too.
    expect(after).toMatch(/^process_cpu_user_seconds_total /m);
    expect(after).toMatch(/^nodejs_heap_size_used_bytes /m);
  });

  it('each app has its own metrics registry', async () => {
    const other = newApp();
    try {
      await other.inject({ method: 'GET', url: '/healthz' });
      const mine = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      const theirs = (await other.inject({ method: 'GET', url: '/metrics' })).body;
      expect(sample(theirs, 'evmgpu_http_requests_total', { route: '/healthz', status: '200' })).toBe(1);
      expect(sample(mine, 'evmgpu_http_requests_total', { route: '/v1/execute', status: '200' })).toBeGreaterThanOrEqual(1);
      expect(sample(theirs, 'evmgpu_http_requests_total', { route: '/v1/execute', status: '200' }) ?? 0).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('GET /docs/json is an OpenAPI 3 document with the routes, the schemas and every error code', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.version).toBe('0.1.0');
    const execute = doc.paths['/v1/execute'].post;
    expect(Object.keys(execute.requestBody.content)).toEqual(['application/json', 'application/vnd.msgpack', 'application/msgpack', 'application/x-msgpack']);
    expect(execute.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Batch' });
    expect(Object.keys(execute.responses)).toEqual(expect.arrayContaining(['200', '400', '406', '413', '415', '500']));
    expect(execute.responses['400'].description).toContain('VALUE_OUT_OF_RANGE');
    for (const path of ['/healthz', '/v1/engines', '/metrics']) expect(doc.paths[path]?.get, path).toBeDefined();
    expect(doc.components.schemas.Batch.properties.txs).toBeDefined();
    expect(doc.components.schemas.BatchResult.properties.results).toBeDefined();
    const listed = (name: string) => doc.components.schemas[name].oneOf.map((c: { enum: string[] }) => c.enum[0]);
    expect(listed('ErrorCode')).toEqual(Object.keys(ServiceErrors));
    expect(listed('RejectionCode')).toEqual(Object.keys(TxRejections));
    for (const code of Object.keys(ServiceErrors)) expect(doc.info.description).toContain(`\`${code}\``);
  });

  it('GET /docs serves the Swagger UI', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });

  it('NOT_FOUND (404) with a coded body for unknown routes and methods', async () => {
    const err = expectError(await app.inject({ method: 'GET', url: '/v2/execute?x=1' }), 404, 'NOT_FOUND');
    expect(err.message).toBe('route GET /v2/execute?x=1 not found');
    expectError(await app.inject({ method: 'GET', url: '/v1/execute' }), 404, 'NOT_FOUND');
    expectError(await app.inject({ method: 'DELETE', url: '/healthz' }), 404, 'NOT_FOUND');
  });

  it('INVALID_REQUEST (400) with a coded body for a URL that does not decode', async () => {
    expectError(await app.inject({ method: 'GET', url: '/v1/%E0%A4%A' }), 400, 'INVALID_REQUEST');
  });

  it('echoes x-request-id, and makes one up when the caller sends none or an unusable one', async () => {
    const given = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-42' } });
    expect(given.headers['x-request-id']).toBe('trace-42');
    const onError = await post(app, '{', { headers: { 'x-request-id': 'bad-body-1' } });
    expect(onError.headers['x-request-id']).toBe('bad-body-1');
    const onMissing = await app.inject({ method: 'GET', url: '/nope', headers: { 'x-request-id': 'lost-7' } });
    expect(onMissing.headers['x-request-id']).toBe('lost-7');
    const fresh = await app.inject({ method: 'GET', url: '/healthz' });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unusable = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'x'.repeat(500) } });
    expect(unusable.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('unexpected failures', () => {
  it('an engine that throws gives INTERNAL (500) with a coded body, and the app keeps serving', async () => {
    const real = new EngineRegistry();
    const registry = {
      get: (name: string | undefined) => (name === 'broken' ? { name: 'broken', description: '', execute: async () => { throw new Error('kaboom'); } } : real.get(name)),
      describe: () => real.describe(),
      names: () => real.names(),
      close: () => real.close(),
      compilerReport: () => real.compilerReport(),
    };
    const app = newApp({}, { registry });
    try {
      const res = await post(app, batch({ txs: [transfer(ALICE, 0)], options: { engine: 'broken' } }), { headers: { 'x-request-id': 'req-500' } });
      const err = expectError(res, 500, 'INTERNAL');
      // Internals stay in the log; the client gets the id to quote.
      expect(err.message).not.toContain('kaboom');
      expect(err.message).toContain('req-500');
      expect((await post(app, batch({ txs: [transfer(ALICE, 0)] }))).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('closing the app closes the engine registry', async () => {
    let closed = 0;
    const real = new EngineRegistry();
    const app = newApp({}, { registry: { get: (n) => real.get(n), describe: () => real.describe(), names: () => real.names(), close: async () => void closed++, compilerReport: () => real.compilerReport() } });
    await app.ready();
    await app.close();
    expect(closed).toBe(1);
  });

  it('parses code with the registry\'s table: a contract posted again is the array the first request made', async () => {
    const registry = new EngineRegistry();
    const app = newApp({}, { registry });
    try {
      const code = `0x${'5b'.repeat(600)}00` as const;
      const b = batch({ pre: { ...batch().pre, [BOB]: { balance: '0x0', nonce: '0x1', code } }, txs: [transfer(ALICE, 0)], options: { engine: 'reference' } });
      expect(registry.codes.bytes).toBe(0);
      expect((await post(app, b)).statusCode).toBe(200);
      // The request put the code in the table: asking for it adds nothing.
      const bytes = registry.codes.bytes;
      expect(bytes).toBeGreaterThan(600);
      const held = registry.codes.code(code);
      expect(registry.codes.bytes).toBe(bytes);
      expect((await post(app, b)).statusCode).toBe(200);
      expect(registry.codes.code(code)).toBe(held);
    } finally {
      await app.close();
    }
  });
});
