import { afterAll, describe, expect, it } from 'vitest';
import type { WireBatch } from '../../src/model/shapes.js';
import { encodeMsgpack } from '../../src/wire/msgpack.js';
import { ALICE, batch, expectError, hex, key, newApp, post, signRaw, transfer } from './helpers.js';

/** A valid one-transfer batch, mutated by each case. */
function valid(): WireBatch & Record<string, unknown> {
  return JSON.parse(JSON.stringify(batch({ pre: { [ALICE]: { balance: '0xde0b6b3a7640000', nonce: '0x0', storage: { '0x1': '0x2' } } }, txs: [transfer(ALICE, 0)] })));
}

type Mutable = Record<string, any>;

/** Each case: what to break, and the status and code the documented contract promises for it. */
const SCHEMA_CASES: [string, (b: Mutable) => void, number, string][] = [
  ['a number where a hex string belongs', (b) => { b.env.number = 1; }, 400, 'INVALID_TYPE'],
  ['an object where an array belongs', (b) => { b.txs = {}; }, 400, 'INVALID_TYPE'],
  ['a number as the recipient', (b) => { b.txs[0].to = 5; }, 400, 'INVALID_TYPE'],
  ['a string as options.stateRoot', (b) => { b.options = { stateRoot: 'yes' }; }, 400, 'INVALID_TYPE'],
  ['non-hex characters in an address', (b) => { b.env.coinbase = `0xzz${'0'.repeat(38)}`; }, 400, 'INVALID_HEX'],
  ['odd-length data', (b) => { b.txs[0].data = '0xabc'; }, 400, 'INVALID_HEX'],
  ['a quantity without 0x', (b) => { b.txs[0].value = '10'; }, 400, 'INVALID_HEX'],
  ['a value of 2^256', (b) => { b.txs[0].value = `0x1${'0'.repeat(64)}`; }, 400, 'VALUE_OUT_OF_RANGE'],
  ['a nonce of 2^64', (b) => { b.txs[0].nonce = `0x1${'0'.repeat(16)}`; }, 400, 'VALUE_OUT_OF_RANGE'],
  ['a 33-byte storage value', (b) => { b.pre[ALICE].storage = { '0x1': `0x${'11'.repeat(33)}` }; }, 400, 'VALUE_OUT_OF_RANGE'],
  ['a 33-byte storage key', (b) => { b.pre[ALICE].storage = { [`0x${'11'.repeat(33)}`]: '0x1' }; }, 400, 'VALUE_OUT_OF_RANGE'],
  ['a non-hex storage key', (b) => { b.pre[ALICE].storage = { '0xzz': '0x1' }; }, 400, 'INVALID_HEX'],
  ['a 21-byte pre address', (b) => { b.pre[`0x${'ab'.repeat(21)}`] = { balance: '0x0', nonce: '0x0' }; }, 400, 'INVALID_HEX'],
  ['a blockHashes key that is not a number', (b) => { b.env.blockHashes = { latest: `0x${'00'.repeat(32)}` }; }, 400, 'INVALID_HEX'],
  ['a missing env', (b) => { delete b.env; }, 400, 'MISSING_FIELD'],
  ['a transaction without gas', (b) => { delete b.txs[0].gas; }, 400, 'MISSING_FIELD'],
  ['an unknown top-level field', (b) => { b.extra = 1; }, 400, 'UNKNOWN_FIELD'],
  ['an unknown transaction field', (b) => { b.txs[0].gasLimit = '0x5208'; }, 400, 'UNKNOWN_FIELD'],
  ['an unknown fork', (b) => { b.fork = 'Atlantis'; }, 400, 'UNKNOWN_FORK'],
  ['an unknown engine', (b) => { b.options = { engine: 'warp-drive' }; }, 400, 'UNKNOWN_ENGINE'],
  ['no baseFee at a London+ fork', (b) => { delete b.env.baseFee; }, 400, 'MISSING_ENV_FIELD'],
  ['gasPrice on an EIP-1559 transaction', (b) => { b.txs[0].gasPrice = '0x1'; }, 400, 'CONFLICTING_FEE_FIELDS'],
];

describe('POST /v1/execute: malformed requests', () => {
  const app = newApp();
  afterAll(() => app.close());

  for (const [name, mutate, status, code] of SCHEMA_CASES) {
    it(`${code} for ${name}`, async () => {
      const b = valid();
      mutate(b);
      const err = expectError(await post(app, b), status, code);
      // Schema violations say where.
      if (status === 400 && !['UNKNOWN_FORK', 'UNKNOWN_ENGINE'].includes(code)) expect(err.details?.[0]?.path).toMatch(/^\//);
    });
  }

  it('the same codes come from a msgpack body', async () => {
    const b = valid();
    delete (b as Mutable).env;
    expectError(await post(app, b, { as: 'msgpack' }), 400, 'MISSING_FIELD');
    const c = valid();
    (c as Mutable).txs[0].to = true;
    expectError(await post(app, c, { as: 'msgpack' }), 400, 'INVALID_TYPE');
  });

  it('INVALID_JSON for a body that is not JSON', async () => {
    expectError(await post(app, '{"fork": "Prague",'), 400, 'INVALID_JSON');
    expectError(await post(app, 'fork=Prague'), 400, 'INVALID_JSON');
  });

  it('EMPTY_BODY for an empty body, with or without a content type', async () => {
    expectError(await post(app, ''), 400, 'EMPTY_BODY');
    expectError(await post(app, Buffer.alloc(0), { as: 'msgpack' }), 400, 'EMPTY_BODY');
    expectError(await app.inject({ method: 'POST', url: '/v1/execute' }), 400, 'EMPTY_BODY');
  });

  it('INVALID_TYPE for a body that is JSON but not an object', async () => {
    for (const body of ['null', '[]', '"batch"', '42']) expectError(await post(app, body), 400, 'INVALID_TYPE');
  });

  it('INVALID_MSGPACK for truncated msgpack and trailing bytes', async () => {
    const full = encodeMsgpack(valid());
    expectError(await post(app, full.subarray(0, full.length - 5), { as: 'msgpack' }), 400, 'INVALID_MSGPACK');
    expectError(await post(app, full.subarray(0, 1), { as: 'msgpack' }), 400, 'INVALID_MSGPACK');
    expectError(await post(app, Buffer.concat([full, Buffer.from([0x01])]), { as: 'msgpack' }), 400, 'INVALID_MSGPACK');
    // 0xc1 is the byte msgpack never uses, alone or inside the batch.
    expectError(await post(app, Buffer.from([0xc1]), { as: 'msgpack' }), 400, 'INVALID_MSGPACK');
    const withC1 = Buffer.concat([Buffer.from([0x81, 0xa4]), Buffer.from('fork'), Buffer.from([0xc1])]);
    expectError(await post(app, withC1, { as: 'msgpack' }), 400, 'INVALID_MSGPACK');
  });

  it('UNSUPPORTED_MEDIA_TYPE (415) for other content types, or none', async () => {
    for (const contentType of ['text/plain', 'application/xml', 'application/jsonx', 'multipart/form-data; boundary=x']) {
      expectError(await post(app, valid(), { contentType }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    const res = await app.inject({ method: 'POST', url: '/v1/execute', payload: Buffer.from(JSON.stringify(valid())), headers: { 'content-type': '' } });
    expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('NOT_ACCEPTABLE (406) when the client accepts neither JSON nor msgpack, before reading the body', async () => {
    for (const accept of ['text/html', 'application/xml, text/*;q=0.9', 'application/json;q=0', '*/*;q=0']) {
      const err = expectError(await post(app, valid(), { accept }), 406, 'NOT_ACCEPTABLE');
      expect(err.message).toContain(accept);
    }
    // Not even a broken body is read.
    expectError(await post(app, '{', { accept: 'text/html' }), 406, 'NOT_ACCEPTABLE');
  });

  it('picks the format the client ranks highest', async () => {
    const b = valid();
    const msgpack = await post(app, b, { accept: 'application/json;q=0.5, application/vnd.msgpack' });
    expect(msgpack.headers['content-type']).toBe('application/vnd.msgpack');
    const json = await post(app, b, { accept: 'application/*' });
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    const wildcardMsgpack = await post(app, b, { accept: 'application/json;q=0.1, application/*;q=0.8' });
    expect(wildcardMsgpack.headers['content-type']).toBe('application/vnd.msgpack');
  });
});

describe('POST /v1/execute: limits', () => {
  const app = newApp({ bodyLimit: 2048, maxTxs: 3, maxBatchGas: 100_000 });
  afterAll(() => app.close());

  it('BODY_TOO_LARGE (413) above the body limit, in JSON and msgpack', async () => {
    const b = valid();
    (b as Mutable).txs[0].data = `0x${'ab'.repeat(2048)}`;
    const err = expectError(await post(app, b), 413, 'BODY_TOO_LARGE');
    expect(err.message).toContain('2048');
    expectError(await post(app, b, { as: 'msgpack' }), 413, 'BODY_TOO_LARGE');
  });

  it('TOO_MANY_TXS above maxTxs, before validating the transactions', async () => {
    const b = valid();
    b.txs = [0, 1, 2, 3].map((n) => transfer(ALICE, n, { gas: '0x1' }));
    const err = expectError(await post(app, b), 400, 'TOO_MANY_TXS');
    expect(err.message).toBe('batch has 4 transactions; the limit is 3');
    // Three is within the limit.
    b.txs = b.txs.slice(0, 3).map((t, n) => transfer(ALICE, n));
    expect((await post(app, b)).statusCode).toBe(200);
  });

  it('BATCH_GAS_TOO_HIGH when the declared gas limits sum above maxBatchGas, signed transactions included', async () => {
    const b = valid();
    b.txs = [transfer(ALICE, 0, { gas: '0xc350' }), transfer(ALICE, 1, { gas: '0xc351' })];
    const err = expectError(await post(app, b), 400, 'BATCH_GAS_TOO_HIGH');
    expect(err.message).toBe('batch declares 100001 gas in total; the limit is 100000');

    const sender = key(7);
    const { raw } = signRaw('Prague', { type: 2, nonce: 0n, to: ALICE, gasLimit: 60_000n, maxFeePerGas: 10n, maxPriorityFeePerGas: 1n, chainId: 1n }, sender.priv);
    b.txs = [transfer(ALICE, 0, { gas: hex(50_000) }), { raw }];
    expectError(await post(app, b), 400, 'BATCH_GAS_TOO_HIGH');
    b.txs = [{ raw }];
    expect((await post(app, b)).statusCode).toBe(200);
  });
});
