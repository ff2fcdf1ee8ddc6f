import { createBlockHeader } from '@ethereumjs/block';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCommon } from '../../src/chain/common.js';
import { EngineApi } from '../../src/engine-api/forkchoice.js';
import { loadOrCreateSecret, makeToken } from '../../src/engine-api/jwt.js';
import { formatPayload, parsePayload, payloadBlock, payloadHeader } from '../../src/engine-api/payload.js';
import { startEngineApi, type RunningEngineApi } from '../../src/engine-api/start.js';
import { bytesToHex, hexToBytes } from '../../src/primitives/hex.js';
import type { ChainInitShape } from '../../src/model/chain.js';
import { Chain } from '../../src/rollup/chain.js';
import { parseChainInit } from '../../src/wire/chain.js';
import { CHAIN_ID, COINBASE, FORK, genesis } from '../support/chain-blocks.js';
import { ReferenceChain } from '../support/chain-replay.js';
import { testRegistry } from '../support/registry.js';
import { key, signRaw } from '../server/helpers.js';

/**
 * The done-when test of the Engine API: the co-processor driven as op-node drives an
 * execution client, over HTTP with JWT and through the Engine API only:
 * forkchoiceUpdatedV3 with attributes (the sequencer's transactions, noTxPool) ->
 * getPayloadV4 -> newPayloadV4 -> forkchoiceUpdatedV3 to the new head, for 20 blocks,
 * with a reorg to an ancestor (and back, and forth again), an invalid payload (a wrong
 * state root) answered INVALID with the parent as latest valid hash, and the spec's
 * error codes. Every block's roots equal the reference replay, and its hash is that of
 * the header its fields make (so the payload verifies anywhere).
 */
type Hex = `0x${string}`;
const registry = testRegistry({ runtime: { cpuWorkers: 1 }, openGpu: () => Promise.reject(new Error('no GPU in the Engine API tests')) });
const dir = mkdtempSync(join(tmpdir(), 'evmgpu-engine-'));
const common = makeCommon(FORK, CHAIN_ID);
const ZERO: Hex = `0x${'00'.repeat(32)}`;
const KV = '0x00000000000000000000000000000000000000c1';
const READER = '0x00000000000000000000000000000000000000c2';
const word = (v: bigint) => v.toString(16).padStart(64, '0');
/** EIP-4788's and EIP-2935's system contracts: with code there, the system calls write their storage. */
const BEACON_ROOTS = '0x000f3df6d732807ef1319fb7b8bb8522d0beac02';
const HISTORY = '0x0000f90827f1c53a10cb7a02335b175320002935';
function engineGenesis(): ChainInitShape<Hex, Hex> {
  const g = genesis(0n, 1000n);
  const system = { balance: '0x0', nonce: '0x1', code: '0x00' } as const;
  return { ...g, alloc: { ...g.alloc, [BEACON_ROOTS]: system, [HISTORY]: system } };
}
const hx = (v: bigint | number): Hex => `0x${v.toString(16)}`;

let chain: Chain;
let engine: RunningEngineApi;
let secret: Uint8Array;
let id = 0;

async function rpc(method: string, ...params: unknown[]): Promise<{ result?: any; error?: { code: number; message: string } }> {
  const res = await fetch(engine.address, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await makeToken(secret)}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as any;
}

/** The sequencer's transactions for a block: signed transfers, key-value writes, BLOCKHASH reads, a creation. */
class Sequencer {
  private nonces = [0, 0, 0, 0];
  constructor(private seed: number) {}
  clone(seed: number): Sequencer {
    const s = new Sequencer(seed);
    s.nonces = [...this.nonces];
    return s;
  }
  txs(n: number): Hex[] {
    const out: Hex[] = [];
    for (let k = 0; k < 2 + ((n + this.seed) % 4); k++) {
      const i = (n + k + this.seed) % 4;
      const signer = key(100 + i);
      const base = { type: 2, chainId: CHAIN_ID, nonce: BigInt(this.nonces[i]++), maxFeePerGas: 10n ** 9n, maxPriorityFeePerGas: 1n + BigInt(k) };
      const kind = (n * 7 + k * 3 + this.seed) % 4;
      const data = kind === 0 ? { to: `0x${(0xf00000 + n * 16 + k + this.seed * 4096).toString(16).padStart(40, '0')}`, value: 1000n + BigInt(n), gasLimit: 21_000n }
        : kind === 1 ? { to: KV, data: `0x${word(BigInt(k))}${word(BigInt(n * 1000 + this.seed))}`, gasLimit: 60_000n }
        : kind === 2 ? { to: READER, gasLimit: 60_000n }
        : { data: '0x676020356000355500600052600860' + '18f3', gasLimit: 120_000n };
      out.push(signRaw(FORK, { ...base, ...data } as never, signer.priv).raw);
    }
    return out;
  }
}

interface Built {
  hash: Hex;
  number: number;
  timestamp: number;
  payload: any;
  beaconRoot: Hex;
}

beforeAll(async () => {
  chain = new Chain({ dir, rollbackDepth: 8, stateCacheBytes: 1 << 20 }, registry);
  await chain.init(parseChainInit(engineGenesis()));
  engine = await startEngineApi(chain, { host: '127.0.0.1', port: 0, jwtSecretFile: join(dir, 'jwt.hex'), logLevel: 'silent', engine: 'cpu' });
  secret = loadOrCreateSecret(join(dir, 'jwt.hex')).secret;
}, 60_000);
afterAll(async () => {
  await engine.app.close();
  await chain.close();
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Engine API, driven as op-node drives it', () => {
  it('builds, imports and follows 20 blocks with a reorg and an invalid payload; roots equal the reference replay', async () => {
    const init = parseChainInit(engineGenesis());
    let ref = new ReferenceChain(init);
    const genesisHash = bytesToHex(chain.block(0n).hash);
    ref.hashes.set(0n, hexToBytes(genesisHash));
    const canonical: Built[] = [{ hash: genesisHash, number: 0, timestamp: 1000, payload: undefined, beaconRoot: ZERO }];
    const refs: ReferenceChain[] = [ref.clone()];
    let seq = new Sequencer(0);
    const seqs: Sequencer[] = [seq.clone(0)];
    const fc = (head: Hex) => {
      const n = canonical.findIndex((b) => b.hash === head);
      return { headBlockHash: head, safeBlockHash: canonical[Math.max(0, n - 2)].hash, finalizedBlockHash: canonical[Math.max(0, n - 6)].hash };
    };

    /** One block the op-node way; answers it without making it the head when `follow` is false. */
    const step = async (txs: Hex[], beforeImport?: (payload: any, beaconRoot: Hex) => Promise<void>): Promise<Built> => {
      const parent = canonical.at(-1)!;
      const n = parent.number + 1;
      const beaconRoot = bytesToHex(hexToBytes(`0x${word(BigInt(n) * 77n + 5n)}`)) as Hex;
      const attrs = {
        timestamp: hx(parent.timestamp + 2), prevRandao: `0x${word(BigInt(n) * 1_000_003n)}`, suggestedFeeRecipient: COINBASE,
        withdrawals: [], parentBeaconBlockRoot: beaconRoot, transactions: txs, noTxPool: true, gasLimit: hx(30_000_000),
      };
      const fcu = await rpc('engine_forkchoiceUpdatedV3', fc(parent.hash), attrs);
      expect(fcu.result.payloadStatus).toEqual({ status: 'VALID', latestValidHash: parent.hash, validationError: null });
      expect(fcu.result.payloadId).toMatch(/^0x[0-9a-f]{16}$/);
      const got = (await rpc('engine_getPayloadV4', fcu.result.payloadId)).result;
      expect(got).toMatchObject({ blobsBundle: { commitments: [], proofs: [], blobs: [] }, shouldOverrideBuilder: false, executionRequests: [] });
      const payload = got.executionPayload;
      expect(payload).toMatchObject({ parentHash: parent.hash, blockNumber: hx(n), timestamp: attrs.timestamp, transactions: txs, withdrawals: [], feeRecipient: COINBASE });
      expect(BigInt(got.blockValue)).toBeGreaterThan(0n);
      // A real header: its fields hash to the block hash with @ethereumjs/block alone.
      const header = createBlockHeader({
        parentHash: payload.parentHash, coinbase: payload.feeRecipient, stateRoot: payload.stateRoot, receiptTrie: payload.receiptsRoot,
        transactionsTrie: (await payloadHeader(parsePayload(payload), hexToBytes(beaconRoot), [], common)).transactionsTrie,
        logsBloom: payload.logsBloom, number: payload.blockNumber, gasLimit: payload.gasLimit, gasUsed: payload.gasUsed, timestamp: payload.timestamp,
        extraData: payload.extraData, mixHash: payload.prevRandao, baseFeePerGas: payload.baseFeePerGas, blobGasUsed: payload.blobGasUsed,
        excessBlobGas: payload.excessBlobGas, parentBeaconBlockRoot: beaconRoot,
      }, { common });
      expect(bytesToHex(header.hash())).toBe(payload.blockHash);
      // The reference replay of the same block has the same roots.
      const block = payloadBlock(parsePayload(payload), hexToBytes(beaconRoot));
      const want = await ref.apply(block);
      expect(payload.stateRoot).toBe(bytesToHex(want.stateRoot!));
      expect(payload.receiptsRoot).toBe(bytesToHex(want.receiptsRoot));
      expect(BigInt(payload.gasUsed)).toBe(want.gasUsed);
      ref.hashes.set(BigInt(n), hexToBytes(payload.blockHash));
      await beforeImport?.(payload, beaconRoot);
      const np = await rpc('engine_newPayloadV4', payload, [], beaconRoot, []);
      expect(np.result).toEqual({ status: 'VALID', latestValidHash: payload.blockHash, validationError: null });
      // Importing a known payload again is idempotent.
      expect((await rpc('engine_newPayloadV4', payload, [], beaconRoot, [])).result.status).toBe('VALID');
      const built = { hash: payload.blockHash as Hex, number: n, timestamp: parent.timestamp + 2, payload, beaconRoot };
      canonical.push(built);
      refs[n] = ref.clone();
      seqs[n] = seq.clone(0);
      const moved = await rpc('engine_forkchoiceUpdatedV3', fc(built.hash));
      expect(moved.result).toEqual({ payloadStatus: { status: 'VALID', latestValidHash: built.hash, validationError: null }, payloadId: null });
      expect(bytesToHex(chain.head().hash)).toBe(built.hash);
      return built;
    };

    for (let n = 1; n <= 12; n++) await step(seq.txs(n));
    expect(chain.head().finalized).toBe(6n);

    // A reorg to an ancestor: the head moves back to block 9 (the chain's rollback).
    const old = canonical.splice(10);
    const r9 = await rpc('engine_forkchoiceUpdatedV3', fc(canonical[9].hash));
    expect(r9.result.payloadStatus).toMatchObject({ status: 'VALID', latestValidHash: canonical[9].hash });
    expect(chain.head().number).toBe(9n);
    ref = refs[9].clone();
    seq = seqs[9].clone(1);
    const b10 = await step(seq.txs(10));
    // Back to the dropped branch's tip (kept as side blocks, applied again), and forth.
    expect((await rpc('engine_forkchoiceUpdatedV3', { headBlockHash: old[2].hash, safeBlockHash: ZERO, finalizedBlockHash: ZERO })).result.payloadStatus.status).toBe('VALID');
    expect(bytesToHex(chain.head().hash)).toBe(old[2].hash);
    expect(bytesToHex(chain.head().stateRoot)).toBe(old[2].payload.stateRoot);
    expect((await rpc('engine_forkchoiceUpdatedV3', fc(b10.hash))).result.payloadStatus.status).toBe('VALID');
    expect(bytesToHex(chain.head().hash)).toBe(b10.hash);

    for (let n = 11; n <= 14; n++) await step(seq.txs(n));

    // An invalid payload: block 15 with a wrong state root (its hash made consistent, so only execution can tell),
    // sent before the good one; then one whose fields do not hash to its blockHash.
    await step(seq.txs(15), async (payload, beaconRoot) => {
      const forged = { ...payload, stateRoot: `0x${'ee'.repeat(32)}` };
      forged.blockHash = bytesToHex((await payloadHeader(parsePayload(forged), hexToBytes(beaconRoot), [], common)).hash());
      const parentHash = canonical.at(-1)!.hash;
      const bad = await rpc('engine_newPayloadV4', forged, [], beaconRoot, []);
      expect(bad.result).toMatchObject({ status: 'INVALID', latestValidHash: parentHash, validationError: expect.stringContaining('state root mismatch') });
      expect(bytesToHex(chain.head().hash)).toBe(parentHash);
      expect((await rpc('engine_newPayloadV4', forged, [], beaconRoot, [])).result).toMatchObject({ status: 'INVALID', latestValidHash: parentHash });
      expect((await rpc('engine_forkchoiceUpdatedV3', { ...fc(parentHash), headBlockHash: forged.blockHash })).result.payloadStatus).toMatchObject({ status: 'INVALID', latestValidHash: parentHash });
      const mislabeled = await rpc('engine_newPayloadV4', { ...payload, gasUsed: hx(BigInt(payload.gasUsed) + 1n) }, [], beaconRoot, []);
      expect(mislabeled.result).toMatchObject({ status: 'INVALID', latestValidHash: null });
      expect(bytesToHex(chain.head().hash)).toBe(parentHash);
    });
    for (let n = 16; n <= 20; n++) await step(seq.txs(n));

    expect(chain.head().number).toBe(20n);
    // The eth_* reads are served on the Engine API's port too (op-node reads the L2 chain there).
    expect((await rpc('eth_blockNumber')).result).toBe('0x14');
    // The system calls ran: EIP-4788 kept block 20's beacon root by its timestamp, EIP-2935 block 19's hash.
    const tip = canonical[20];
    expect((await rpc('eth_getStorageAt', BEACON_ROOTS, hx(BigInt(tip.timestamp) % 8191n + 8191n), 'latest')).result).toBe(tip.beaconRoot);
    expect((await rpc('eth_getStorageAt', BEACON_ROOTS, hx(BigInt(tip.timestamp) % 8191n), 'latest')).result).toBe(`0x${word(BigInt(tip.timestamp))}`);
    expect((await rpc('eth_getStorageAt', HISTORY, hx(19), 'latest')).result).toBe(canonical[19].hash);
    expect((await rpc('eth_getBlockByNumber', 'safe', false)).result.number).toBe('0x12');
    expect(bytesToHex(chain.head().stateRoot)).toBe(canonical[20].payload.stateRoot);
    for (const b of canonical.slice(1)) expect(bytesToHex(chain.block(BigInt(b.number)).hash)).toBe(b.hash);
    expect(chain.head().finalized).toBe(14n);
  }, 600_000);

  it('answers the spec errors: SYNCING for an unknown head, -38002, -38003, -38001, -32602', async () => {
    const head = bytesToHex(chain.head().hash);
    const unknown = `0x${'ab'.repeat(32)}`;
    expect((await rpc('engine_forkchoiceUpdatedV3', { headBlockHash: unknown, safeBlockHash: ZERO, finalizedBlockHash: ZERO })).result).toEqual({
      payloadStatus: { status: 'SYNCING', latestValidHash: null, validationError: null }, payloadId: null,
    });
    expect((await rpc('engine_forkchoiceUpdatedV3', { headBlockHash: head, safeBlockHash: ZERO, finalizedBlockHash: unknown })).error).toMatchObject({ code: -38002 });
    const attrs = { timestamp: '0x1', prevRandao: ZERO, suggestedFeeRecipient: COINBASE, withdrawals: [], parentBeaconBlockRoot: ZERO };
    expect((await rpc('engine_forkchoiceUpdatedV3', { headBlockHash: head, safeBlockHash: ZERO, finalizedBlockHash: ZERO }, attrs)).error).toMatchObject({ code: -38003 });
    const withdrawals = { ...attrs, timestamp: hx(chain.head().number * 2n + 5000n), withdrawals: [{ index: '0x0', validatorIndex: '0x0', address: COINBASE, amount: '0x1' }] };
    expect((await rpc('engine_forkchoiceUpdatedV3', { headBlockHash: head, safeBlockHash: ZERO, finalizedBlockHash: ZERO }, withdrawals)).error).toMatchObject({ code: -38003 });
    const deposit = { ...withdrawals, withdrawals: [], transactions: ['0x7ef8f8a0'], noTxPool: true };
    expect((await rpc('engine_forkchoiceUpdatedV3', { headBlockHash: head, safeBlockHash: ZERO, finalizedBlockHash: ZERO }, deposit)).error).toMatchObject({ code: -38003, message: expect.stringContaining('deposit') });
    // A head below the finalized block changes nothing and builds nothing.
    const b13 = bytesToHex(chain.block(13n).hash);
    expect((await rpc('engine_forkchoiceUpdatedV3', { headBlockHash: b13, safeBlockHash: ZERO, finalizedBlockHash: ZERO }, { ...attrs, timestamp: '0xffffff' })).result).toEqual({
      payloadStatus: { status: 'VALID', latestValidHash: b13, validationError: null }, payloadId: null,
    });
    expect(chain.head().number).toBe(20n);
    expect((await rpc('engine_getPayloadV4', '0x0102030405060708')).error).toMatchObject({ code: -38001 });
    expect((await rpc('engine_newPayloadV4', { parentHash: head }, [], ZERO, [])).error).toMatchObject({ code: -32602 });
    expect((await rpc('engine_newPayloadV4', {}, [], ZERO, ['0x01'])).error).toMatchObject({ code: -32602 });
  });
});

describe('a side branch that fails, and a reorg deeper than the rollback window', () => {
  it('an invalid side block leaves the chain as it was; too deep is -38006 and the head stays', async () => {
    const d = mkdtempSync(join(tmpdir(), 'evmgpu-engine-deep-'));
    const c = new Chain({ dir: d, rollbackDepth: 2, stateCacheBytes: 1 << 20 }, registry);
    try {
      const init = parseChainInit(genesis(0n, 1000n));
      await c.init(init);
      const api = new EngineApi(c, 'cpu');
      const txs = new Sequencer(3);
      for (let n = 1; n <= 5; n++) {
        const attrs = { timestamp: BigInt(1000 + 2 * n), prevRandao: new Uint8Array(32), suggestedFeeRecipient: hexToBytes(COINBASE), parentBeaconBlockRoot: new Uint8Array(32), transactions: txs.txs(n).map(hexToBytes) };
        const head = c.head().hash;
        const { payloadId } = await api.forkchoiceUpdated({ head, safe: new Uint8Array(32), finalized: new Uint8Array(32) }, attrs);
        const r = api.getPayload(hexToBytes(payloadId!));
        await api.forkchoiceUpdated({ head, safe: new Uint8Array(32), finalized: new Uint8Array(32) }, undefined);
        const p = parsePayload(formatPayload(r, common));
        expect((await api.newPayload(p, new Uint8Array(32), [])).status).toBe('VALID');
      }
      expect(c.head().number).toBe(5n);
      // A side block (parent 4, not the head) with a wrong state root: ACCEPTED, then a forkchoice to it
      // is INVALID and the chain is back where it was.
      const real5 = c.block(5n);
      const forged = { ...parsePayload(formatPayload(real5, common)), stateRoot: new Uint8Array(32).fill(0xee) };
      forged.blockHash = (await payloadHeader(forged, new Uint8Array(32), [], common)).hash();
      expect((await api.newPayload(forged, new Uint8Array(32), [])).status).toBe('ACCEPTED');
      const zero = new Uint8Array(32);
      const r = await api.forkchoiceUpdated({ head: forged.blockHash, safe: zero, finalized: zero }, undefined);
      expect(r.payloadStatus).toMatchObject({ status: 'INVALID', latestValidHash: bytesToHex(c.block(4n).hash) });
      expect(bytesToHex(c.head().hash)).toBe(bytesToHex(real5.hash));
      expect(bytesToHex(c.head().stateRoot)).toBe(bytesToHex(real5.stateRoot));
      await expect(api.forkchoiceUpdated({ head: c.block(1n).hash, safe: new Uint8Array(32), finalized: new Uint8Array(32) }, undefined)).rejects.toMatchObject({ code: -38006 });
      expect(c.head().number).toBe(5n);
      expect((await api.forkchoiceUpdated({ head: c.block(3n).hash, safe: new Uint8Array(32), finalized: new Uint8Array(32) }, undefined)).payloadStatus.status).toBe('VALID');
      expect(c.head().number).toBe(3n);
    } finally {
      await c.close();
      rmSync(d, { recursive: true, force: true });
    }
  }, 120_000);
});
