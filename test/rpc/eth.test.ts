import { createBlockHeader } from '@ethereumjs/block';
import type { FastifyInstance } from 'fastify';
import { createPublicClient, http } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCommon } from '../../src/chain/common.js';
import { bytesToHex } from '../../src/primitives/hex.js';
import { newApp } from '../server/helpers.js';
import { CHAIN_ID, EMPTY_WITH_STORAGE, FORK } from '../support/chain-blocks.js';
import { chainFixture, type Fixture } from './fixture.js';

/**
 * POST /rpc: JSON-RPC 2.0 dispatch (errors, batches, notifications) and the eth_* reads
 * over a chain of mixed blocks, each answer checked against the stored records and the
 * reference replay's state at that block; viem reads the same through its HTTP transport.
 */
type Answer = { jsonrpc: string; id: unknown; result?: any; error?: { code: number; message: string; data?: unknown } };

async function rpc(app: FastifyInstance, body: unknown): Promise<Answer & Answer[]> {
  const res = await app.inject({ method: 'POST', url: '/rpc', headers: { 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
  expect(res.statusCode).toBe(200);
  return res.json();
}
const call = async (app: FastifyInstance, method: string, params: unknown[] = []) => rpc(app, { jsonrpc: '2.0', id: 1, method, params });
const hex = (v: bigint | number) => `0x${v.toString(16)}`;

describe('JSON-RPC 2.0 dispatch (no chain)', () => {
  const app = newApp();
  afterAll(() => app.close());

  it('answers the spec error codes', async () => {
    expect((await rpc(app, '{"jsonrpc":"2.0",')).error!.code).toBe(-32700);
    expect((await rpc(app, '5')).error!.code).toBe(-32600);
    expect((await rpc(app, { jsonrpc: '1.0', id: 1, method: 'eth_chainId' })).error!.code).toBe(-32600);
    expect((await rpc(app, [])).error!.code).toBe(-32600);
    expect(await rpc(app, { jsonrpc: '2.0', id: 7, method: 'eth_nope', params: [] })).toEqual({ jsonrpc: '2.0', id: 7, error: { code: -32601, message: 'the method eth_nope does not exist/is not available' } });
    expect((await call(app, 'eth_getBalance', ['0x12'])).error!.code).toBe(-32602);
    expect((await rpc(app, { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: {} })).error!.code).toBe(-32602);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.paths['/rpc'].post.tags).toEqual(['rpc']);
    expect(doc.paths['/rpc'].post.description).toContain('eth_getProof');
  });

  it('without a data directory every chain method is a -32000 error, not a crash', async () => {
    const a = await call(app, 'eth_blockNumber');
    expect(a.error).toMatchObject({ code: -32000, message: expect.stringContaining('--data-dir') });
  });

  it('answers a batch as an array, skips notifications, and a body of notifications with 204', async () => {
    const a = await rpc(app, [{ jsonrpc: '2.0', id: 'a', method: 'web3_clientVersion' }, { jsonrpc: '2.0', method: 'eth_chainId' }, { jsonrpc: '2.0', id: 'c', method: 'x' }, 3]);
    expect(a).toHaveLength(3);
    expect(a[0]).toEqual({ jsonrpc: '2.0', id: 'a', result: 'evmgpu' });
    expect(a[1]).toMatchObject({ id: 'c', error: { code: -32601 } });
    expect(a[2]).toMatchObject({ id: null, error: { code: -32600 } });
    const res = await app.inject({ method: 'POST', url: '/rpc', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ jsonrpc: '2.0', method: 'eth_chainId' }) });
    expect(res.statusCode).toBe(204);
  });
});

describe('eth_* reads over the chain', () => {
  let f: Fixture;
  let app: FastifyInstance;
  const common = makeCommon(FORK, CHAIN_ID);
  beforeAll(async () => {
    f = await chainFixture(5);
    await f.chain.finalize(2n);
    app = newApp({}, { chain: f.chain, safe: () => 3n });
  }, 300_000);
  afterAll(async () => {
    await app.close();
    await f.registry.close();
  });

  it('chain id, head, and blocks by tag, number and hash, whose headers hash to their hash', async () => {
    expect((await call(app, 'eth_chainId')).result).toBe(hex(CHAIN_ID));
    expect((await call(app, 'eth_blockNumber')).result).toBe('0x5');
    for (const [tag, n] of [['latest', 5], ['pending', 5], ['earliest', 0], ['finalized', 2], ['safe', 3], ['0x4', 4]] as const) {
      expect((await call(app, 'eth_getBlockByNumber', [tag, false])).result.number).toBe(hex(n));
    }
    expect((await call(app, 'eth_getBlockByNumber', ['0x6', false])).result).toBeNull();
    for (const r of f.records) {
      const b = (await call(app, 'eth_getBlockByHash', [bytesToHex(r.hash), false])).result;
      expect(b.hash).toBe(bytesToHex(r.hash));
      expect(b.transactions).toEqual(r.txHashes!.map(bytesToHex));
      // The fields rebuild the header, whose hash is the block's: a real Ethereum header.
      const h = createBlockHeader({
        parentHash: b.parentHash, coinbase: b.miner, stateRoot: b.stateRoot, transactionsTrie: b.transactionsRoot, receiptTrie: b.receiptsRoot,
        logsBloom: b.logsBloom, difficulty: b.difficulty, number: b.number, gasLimit: b.gasLimit, gasUsed: b.gasUsed, timestamp: b.timestamp,
        extraData: b.extraData, mixHash: b.mixHash, nonce: b.nonce, baseFeePerGas: b.baseFeePerGas, withdrawalsRoot: b.withdrawalsRoot,
        blobGasUsed: b.blobGasUsed, excessBlobGas: b.excessBlobGas, parentBeaconBlockRoot: b.parentBeaconBlockRoot, requestsHash: b.requestsHash,
      }, { common });
      expect(bytesToHex(h.hash())).toBe(b.hash);
    }
    expect((await call(app, 'eth_getBlockByHash', [`0x${'ab'.repeat(32)}`, true])).result).toBeNull();
  });

  it('transactions and receipts by hash, signed and sequencer-trusted, equal the stored results', async () => {
    let signed = 0;
    for (const r of f.records.slice(1)) {
      const full = (await call(app, 'eth_getBlockByNumber', [hex(r.number), true])).result;
      expect(full.transactions).toHaveLength(r.txs!.length);
      for (let i = 0; i < r.txs!.length; i++) {
        const h = bytesToHex(r.txHashes![i]);
        const tx = (await call(app, 'eth_getTransactionByHash', [h])).result;
        expect(tx).toEqual(full.transactions[i]);
        expect(tx).toMatchObject({ hash: h, blockHash: bytesToHex(r.hash), blockNumber: hex(r.number), transactionIndex: hex(i) });
        const res = r.result.results[i];
        if (res.hash) {
          signed++;
          expect(bytesToHex(res.hash)).toBe(h);
        }
        const receipt = (await call(app, 'eth_getTransactionReceipt', [h])).result;
        expect(receipt).toMatchObject({
          transactionHash: h, from: bytesToHex(res.from), status: hex(res.status), gasUsed: hex(res.gasUsed), cumulativeGasUsed: hex(res.cumulativeGasUsed),
          logsBloom: bytesToHex(res.logsBloom), contractAddress: res.contractAddress ? bytesToHex(res.contractAddress) : null,
        });
        expect(receipt.logs.map((l: { logIndex: string }) => l.logIndex)).toEqual(res.logs.map((l) => hex(l.logIndex)));
      }
    }
    expect(signed).toBeGreaterThan(0);
    expect((await call(app, 'eth_getTransactionReceipt', [`0x${'cd'.repeat(32)}`])).result).toBeNull();
  });

  it('balances, nonces, code and storage at every block equal the reference replay', async () => {
    for (let n = 0; n < f.states.length; n++) {
      const state = f.states[n].state;
      let checked = 0;
      for (const [addr, a] of [...state].slice(0, 40)) {
        expect((await call(app, 'eth_getBalance', [addr, hex(n)])).result).toBe(hex(a.balance));
        expect((await call(app, 'eth_getTransactionCount', [addr, { blockNumber: hex(n) }])).result).toBe(hex(a.nonce));
        expect((await call(app, 'eth_getCode', [addr, { blockHash: bytesToHex(f.records[n].hash) }])).result).toBe(bytesToHex(a.code));
        for (const [slot, v] of [...a.storage].slice(0, 3)) {
          expect((await call(app, 'eth_getStorageAt', [addr, hex(slot), hex(n)])).result).toBe(`0x${v.toString(16).padStart(64, '0')}`);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(0);
    }
    expect((await call(app, 'eth_getBalance', [`0x${'99'.repeat(20)}`, 'latest'])).result).toBe('0x0');
    expect((await call(app, 'eth_getStorageAt', [EMPTY_WITH_STORAGE, '0x1', 'earliest'])).result).toBe(`0x${'5'.padStart(64, '0')}`);
    expect((await call(app, 'eth_getBalance', [EMPTY_WITH_STORAGE, '0x9'])).error).toMatchObject({ code: -32000, message: 'header not found' });
  }, 120_000);

  it('viem reads chain id, block number, balances, a block and a receipt over HTTP', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const client = createPublicClient({ transport: http(`${address}/rpc`) });
    expect(await client.getChainId()).toBe(Number(CHAIN_ID));
    expect(await client.getBlockNumber({ cacheTime: 0 })).toBe(5n);
    const [addr, a] = [...f.ref.state].find(([, x]) => x.balance > 0n)!;
    expect(await client.getBalance({ address: addr as `0x${string}` })).toBe(a.balance);
    expect(await client.getBalance({ address: addr as `0x${string}`, blockNumber: 1n })).toBe(f.states[1].state.get(addr)?.balance ?? 0n);
    const r = f.records[3];
    const block = await client.getBlock({ blockNumber: 3n, includeTransactions: true });
    expect(block.hash).toBe(bytesToHex(r.hash));
    expect(block.stateRoot).toBe(bytesToHex(r.stateRoot));
    expect(block.transactions).toHaveLength(r.txs!.length);
    expect(block.baseFeePerGas).toBe(7n);
    const receipt = await client.getTransactionReceipt({ hash: bytesToHex(r.txHashes![0]) });
    expect(receipt.blockHash).toBe(bytesToHex(r.hash));
    expect(receipt.gasUsed).toBe(r.result.results[0].gasUsed);
    expect(receipt.status).toBe(r.result.results[0].status === 1n ? 'success' : 'reverted');
    const tx = await client.getTransaction({ hash: bytesToHex(r.txHashes![0]) });
    expect(tx.blockNumber).toBe(3n);
  });
});
