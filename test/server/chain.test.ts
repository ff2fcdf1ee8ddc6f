import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { Chain } from '../../src/rollup/chain.js';
import { decodeMsgpack, encodeMsgpack } from '../../src/wire/msgpack.js';
import { BlockStream, genesis } from '../support/chain-blocks.js';
import { testRegistry } from '../support/registry.js';

/** These test the API: engine auto runs without a device (its CPU routes), so no test pays for opening one. */
const NO_GPU = () => Promise.reject(new Error('no GPU in the API tests'));
import { expectError, newApp } from './helpers.js';

/** The chain routes through inject: JSON and msgpack, coded errors, replay, rollback, the OpenAPI document. */
function request(app: FastifyInstance, method: 'GET' | 'POST', url: string, body?: unknown, as: 'json' | 'msgpack' = 'json'): Promise<LightMyRequestResponse> {
  const msgpack = as === 'msgpack';
  return app.inject({
    method, url,
    ...(body !== undefined ? { payload: msgpack ? encodeMsgpack(body) : JSON.stringify(body) } : {}),
    headers: { ...(body !== undefined ? { 'content-type': msgpack ? 'application/vnd.msgpack' : 'application/json' } : {}), ...(msgpack ? { accept: 'application/vnd.msgpack' } : {}) },
  });
}

const ts = (n: bigint) => 1000n + 12n * n;

describe('the chain routes without a data directory', () => {
  const app = newApp();
  afterAll(() => app.close());
  it('answer CHAIN_NOT_ENABLED (404) on every route', async () => {
    for (const [method, url, body] of [['GET', '/v1/chain/head'], ['GET', '/v1/chain/blocks/1'], ['GET', '/v1/chain/accounts/0x00000000000000000000000000000000000000aa'], ['POST', '/v1/chain/init', genesis()], ['POST', '/v1/chain/rollback', { number: '0x1' }]] as const) {
      expectError(await request(app, method, url, body), 404, 'CHAIN_NOT_ENABLED');
    }
  });
});

describe('the chain routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evmgpu-chain-http-'));
  const registry = testRegistry({ runtime: { cpuWorkers: 1 }, openGpu: NO_GPU });
  const app = newApp({}, { registry, chain: new Chain({ dir, rollbackDepth: 16, stateCacheBytes: 1 << 20 }, registry) });
  const stream = new BlockStream(21, 6);
  const blocks = [1n, 2n, 3n, 4n].map((n) => stream.block(n, ts(n)));
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('before init: CHAIN_NOT_INITIALISED (409)', async () => {
    expectError(await request(app, 'GET', '/v1/chain/head'), 409, 'CHAIN_NOT_INITIALISED');
    expectError(await request(app, 'POST', '/v1/chain/blocks', blocks[0]), 409, 'CHAIN_NOT_INITIALISED');
  });

  it('POST /v1/chain/init: the genesis, then the same again (200, same head), then another (409)', async () => {
    const res = await request(app, 'POST', '/v1/chain/init', genesis());
    expect(res.statusCode, res.body).toBe(200);
    const head = res.json();
    expect(head).toMatchObject({ number: '0x0', finalized: '0x0', hash: expect.stringMatching(/^0x[0-9a-f]{64}$/), stateRoot: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    const again = await request(app, 'POST', '/v1/chain/init', genesis(), 'msgpack');
    expect(again.statusCode).toBe(200);
    expect(decodeMsgpack(again.rawPayload)).toMatchObject({ number: 0 });
    expectError(await request(app, 'POST', '/v1/chain/init', { ...genesis(), chainId: '0x2' }), 409, 'CHAIN_ALREADY_INITIALISED');
    expectError(await request(app, 'POST', '/v1/chain/init', { ...genesis(), alloc: { '0x1': {} } }), 400, 'INVALID_HEX');
  });

  it('POST /v1/chain/blocks: applied in order (JSON and msgpack), replayed, refused out of order or in conflict', async () => {
    const first = await request(app, 'POST', '/v1/chain/blocks', blocks[0]);
    expect(first.statusCode, first.body).toBe(200);
    const r1 = first.json();
    expect(Object.keys(r1).slice(0, 5)).toEqual(['number', 'hash', 'parentHash', 'results', 'rejected']);
    expect(r1).toMatchObject({ number: '0x1', stateRoot: expect.stringMatching(/^0x[0-9a-f]{64}$/), transactionsRoot: expect.any(String), receiptsRoot: expect.any(String) });
    expect(r1.stats.chain.timingsMs).toMatchObject({ preload: expect.any(Number), execute: expect.any(Number), trie: expect.any(Number), commit: expect.any(Number) });
    // The answer is formatted while the block commits: the commit's own time still reaches it.
    expect(r1.stats.chain.timingsMs.commit).toBeGreaterThan(0);
    expect(r1.stats.chain.timingsMs.total).toBeGreaterThan(r1.stats.chain.timingsMs.commit);
    expect(first.headers['x-evmgpu-replayed']).toBeUndefined();

    const second = await request(app, 'POST', '/v1/chain/blocks', { ...blocks[1], parentHash: r1.hash }, 'msgpack');
    expect(second.statusCode).toBe(200);
    expect(second.headers['content-type']).toMatch(/msgpack/);
    expect(decodeMsgpack(second.rawPayload)).toMatchObject({ number: 2, stats: { chain: { timingsMs: { commit: expect.any(Number) } } } });
    expect((decodeMsgpack(second.rawPayload) as { stats: { chain: { timingsMs: { commit: number } } } }).stats.chain.timingsMs.commit).toBeGreaterThan(0);

    const replay = await request(app, 'POST', '/v1/chain/blocks', blocks[0]);
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['x-evmgpu-replayed']).toBe('true');
    expect(replay.json().hash).toBe(r1.hash);
    expect(replay.json().results).toEqual(r1.results);

    expectError(await request(app, 'POST', '/v1/chain/blocks', { ...blocks[0], txs: [] }), 409, 'BLOCK_CONFLICT');
    const late = expectError(await request(app, 'POST', '/v1/chain/blocks', { ...blocks[3] }), 409, 'BLOCK_OUT_OF_ORDER');
    expect(late.message).toContain('the head is block 2');
    expectError(await request(app, 'POST', '/v1/chain/blocks', { ...blocks[2], parentHash: r1.hash }), 409, 'PARENT_HASH_MISMATCH');
    expectError(await request(app, 'POST', '/v1/chain/blocks', { ...blocks[2], env: { ...blocks[2].env, number: '0x7' } }), 400, 'BLOCK_NUMBER_MISMATCH');
    expectError(await request(app, 'POST', '/v1/chain/blocks', { ...blocks[2], env: { ...blocks[2].env, blockHashes: {} } }), 400, 'UNKNOWN_FIELD');
    expectError(await request(app, 'POST', '/v1/chain/blocks', { ...blocks[2], options: { engine: 'reference' } }), 400, 'STATE_SOURCE_UNSUPPORTED');
    expectError(await request(app, 'POST', '/v1/chain/blocks', { ...blocks[2], options: { engine: 'warp' } }), 400, 'UNKNOWN_ENGINE');
    const third = await request(app, 'POST', '/v1/chain/blocks', blocks[2]);
    expect(third.statusCode, third.body).toBe(200);
  });

  it('GET head, blocks and accounts (at the head and at an earlier block)', async () => {
    const head = (await request(app, 'GET', '/v1/chain/head')).json();
    expect(head.number).toBe('0x3');
    const b2 = await request(app, 'GET', '/v1/chain/blocks/2');
    expect(b2.statusCode).toBe(200);
    expect((await request(app, 'GET', '/v1/chain/blocks/0x2')).json()).toEqual(b2.json());
    expectError(await request(app, 'GET', '/v1/chain/blocks/9'), 404, 'BLOCK_NOT_FOUND');
    expectError(await request(app, 'GET', '/v1/chain/blocks/x'), 400, 'INVALID_HEX');

    const sender = Object.keys(genesis().alloc)[0];
    const now = (await request(app, 'GET', `/v1/chain/accounts/${sender}`)).json();
    expect(now).toMatchObject({ codeHash: expect.any(String), code: '0x', storage: {} });
    const then = (await request(app, 'GET', `/v1/chain/accounts/${sender}?block=0`)).json();
    expect(then).toMatchObject({ nonce: '0x0', balance: genesis().alloc[sender].balance });
    const token = '0x00000000000000000000000000000000000e2c20';
    const supply = (await request(app, 'GET', `/v1/chain/accounts/${token}?storage=0x0,0x99`)).json();
    expect(supply.storage).toEqual({ [`0x${'0'.repeat(64)}`]: '0xd3c21bcecceda1000000', [`0x${'99'.padStart(64, '0')}`]: '0x0' });
    expectError(await request(app, 'GET', '/v1/chain/accounts/0x12?block=1'), 400, 'INVALID_HEX');
    expectError(await request(app, 'GET', `/v1/chain/accounts/${sender}?storage=zz`), 400, 'INVALID_HEX');
  });

  it('POST rollback and finalize', async () => {
    const back = await request(app, 'POST', '/v1/chain/rollback', { number: '0x1' });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().number).toBe('0x1');
    expectError(await request(app, 'GET', '/v1/chain/blocks/2'), 404, 'BLOCK_NOT_FOUND');
    // Block 2 again, as before the rollback: run again, same hash.
    const two = await request(app, 'POST', '/v1/chain/blocks', blocks[1]);
    expect(two.statusCode).toBe(200);
    expect(two.headers['x-evmgpu-replayed']).toBeUndefined();
    const fin = await request(app, 'POST', '/v1/chain/finalize', { number: '0x2' });
    expect(fin.json()).toMatchObject({ number: '0x2', finalized: '0x2' });
    expect((await request(app, 'POST', '/v1/chain/finalize', { number: '0x1' })).json().finalized).toBe('0x2');
    expectError(await request(app, 'POST', '/v1/chain/rollback', { number: '0x1' }), 409, 'ROLLBACK_BELOW_FINALIZED');
    expectError(await request(app, 'POST', '/v1/chain/finalize', { number: '0x5' }), 404, 'BLOCK_NOT_FOUND');
    expectError(await request(app, 'POST', '/v1/chain/rollback', { number: 1 }), 400, 'INVALID_TYPE');
  });

  it('documents the chain routes, their fields and codes in the OpenAPI document', async () => {
    const doc = (await request(app, 'GET', '/docs/json')).json();
    for (const path of ['/v1/chain/init', '/v1/chain/blocks', '/v1/chain/head', '/v1/chain/blocks/{number}', '/v1/chain/accounts/{address}', '/v1/chain/rollback', '/v1/chain/finalize']) expect(doc.paths[path], path).toBeDefined();
    expect(Object.keys(doc.components.schemas.ChainBlock.properties)).toEqual(['number', 'parentHash', 'env', 'txs', 'options']);
    expect(doc.components.schemas.ChainBlockResult.properties.transactionsRoot).toBeDefined();
    expect(JSON.stringify(doc.paths['/v1/chain/blocks'].post.responses['409'])).toContain('BLOCK_OUT_OF_ORDER');
    expect(JSON.stringify(doc.paths['/v1/execute'].post.responses)).not.toContain('BLOCK_CONFLICT');
  });
});
