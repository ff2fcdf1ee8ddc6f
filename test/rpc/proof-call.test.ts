import { verifyMerkleProof } from '@ethereumjs/mpt';
import { RLP } from '@ethereumjs/rlp';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceSlot, TOKEN, transferCall } from '../../bench/workloads/erc20.js';
import { ReferenceEngine } from '../../src/engine/reference.js';
import type { Account, BlockEnv, TxInput } from '../../src/model/shapes.js';
import { bigintToMinimalBytes, bytesToHex, hexToBytes } from '../../src/primitives/hex.js';
import { newApp } from '../server/helpers.js';
import { CHAIN_ID, EMPTY_WITH_STORAGE, FORK } from '../support/chain-blocks.js';
import { chainFixture, type Fixture } from './fixture.js';

/**
 * eth_getProof (EIP-1186) verified with @ethereumjs/mpt against the block's state root,
 * for accounts and slots that exist and that do not, at the head and at older blocks;
 * eth_call and eth_estimateGas equal to the reference engine run on the reference
 * replay's whole state.
 */
type Answer = { result?: any; error?: { code: number; message: string; data?: unknown } };
const hex = (v: bigint | number) => `0x${v.toString(16)}`;
const word = (v: bigint) => `0x${v.toString(16).padStart(64, '0')}`;
const EMPTY_ROOT = keccak_256(RLP.encode(new Uint8Array(0)));

describe('eth_getProof, eth_call, eth_estimateGas', () => {
  let f: Fixture;
  let app: FastifyInstance;
  const call = async (method: string, params: unknown[]): Promise<Answer> => {
    const res = await app.inject({ method: 'POST', url: '/rpc', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    return res.json();
  };
  beforeAll(async () => {
    f = await chainFixture(4);
    app = newApp({}, { chain: f.chain });
  }, 300_000);
  afterAll(async () => {
    await app.close();
    await f.close();
  });

  it('proves existing and absent accounts and slots against the state root of each block', async () => {
    const sender = '0x00000000000000000000000000000000000a0001';
    const absent = `0x${'77'.repeat(20)}`;
    for (const n of [0, 2, 4]) {
      const state = f.states[n].state;
      const root = f.records[n].stateRoot;
      for (const addr of [TOKEN, sender, EMPTY_WITH_STORAGE, absent]) {
        const a: Account | undefined = state.get(addr);
        const slots = [...(a?.storage.keys() ?? [])].slice(0, 2).map((s) => word(s));
        slots.push(word(123456789n));
        const p = (await call('eth_getProof', [addr, slots, hex(n)])).result;
        expect(bytesToHex(keccak_256(hexToBytes(p.accountProof[0])))).toBe(bytesToHex(root));
        const leaf = await verifyMerkleProof(hexToBytes(addr), p.accountProof.map(hexToBytes), { useKeyHashing: true });
        if (!a) {
          expect(leaf).toBeNull();
          expect(p).toMatchObject({ balance: '0x0', nonce: '0x0', storageHash: bytesToHex(EMPTY_ROOT) });
          continue;
        }
        expect(p.balance).toBe(hex(a.balance));
        expect(p.nonce).toBe(hex(a.nonce));
        expect(p.codeHash).toBe(bytesToHex(keccak_256(a.code)));
        const [nonce, balance, storageRoot, codeHash] = RLP.decode(leaf!) as Uint8Array[];
        expect([nonce, balance, codeHash]).toEqual([bigintToMinimalBytes(a.nonce), bigintToMinimalBytes(a.balance), keccak_256(a.code)]);
        expect(bytesToHex(storageRoot)).toBe(p.storageHash);
        for (const sp of p.storageProof) {
          const want = a.storage.get(BigInt(sp.key)) ?? 0n;
          expect(sp.value).toBe(hex(want));
          if (bytesToHex(storageRoot) === bytesToHex(EMPTY_ROOT)) continue;
          expect(bytesToHex(keccak_256(hexToBytes(sp.proof[0])))).toBe(bytesToHex(storageRoot));
          const v = await verifyMerkleProof(hexToBytes(sp.key), sp.proof.map(hexToBytes), { useKeyHashing: true });
          expect(v === null ? 0n : BigInt(bytesToHex(RLP.decode(v) as Uint8Array))).toBe(want);
        }
      }
    }
    expect((await call('eth_getProof', [TOKEN, ['zz'], 'latest'])).error!.code).toBe(-32602);
  });

  /** The reference engine's run of the call, on the whole state after block n, in block n's context with a zero base fee. */
  async function reference(n: number, from: string, to: string, data: string, gas: bigint) {
    const b = (await call('eth_getBlockByNumber', [hex(n), false])).result;
    const state = f.states[n].state;
    const env: BlockEnv = {
      number: BigInt(n), timestamp: BigInt(b.timestamp), coinbase: hexToBytes(b.miner), gasLimit: BigInt(b.gasLimit), chainId: CHAIN_ID,
      baseFee: 0n, prevRandao: hexToBytes(b.mixHash), excessBlobGas: 0n, blockHashes: new Map(),
    };
    const tx: TxInput = {
      kind: 'unsigned',
      tx: { type: 2n, from: hexToBytes(from), to: hexToBytes(to), nonce: state.get(from)?.nonce ?? 0n, gas, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n, value: 0n, data: hexToBytes(data) },
    };
    return new ReferenceEngine().execute({ fork: FORK, env, pre: state, txs: [tx], options: { stateRoot: false } });
  }

  it('eth_call answers what the reference engine returns, at the head and at an older block; a revert is error 3 with its data', async () => {
    const holder = '0x00000000000000000000000000000000000a0002';
    const balanceOf = `0x70a08231${holder.slice(2).padStart(64, '0')}`;
    for (const n of [1, 4]) {
      const got = (await call('eth_call', [{ to: TOKEN, data: balanceOf }, hex(n)])).result;
      const want = await reference(n, '0x0000000000000000000000000000000000000000', TOKEN, balanceOf, 30_000_000n);
      expect(got).toBe(bytesToHex(want.results[0].returnData));
      expect(BigInt(got)).toBe(f.states[n].state.get(TOKEN)!.storage.get(BigInt(balanceSlot(holder as `0x${string}`))) ?? 0n);
    }
    // More than the holder has: the token reverts.
    const tooMuch = transferCall(TOKEN, 10n ** 30n);
    const r = await call('eth_call', [{ from: holder, to: TOKEN, data: tooMuch }, 'latest']);
    const want = await reference(4, holder, TOKEN, tooMuch, 30_000_000n);
    expect(want.results[0].status).toBe(0n);
    expect(r.error).toMatchObject({ code: 3, message: 'execution reverted', data: bytesToHex(want.results[0].returnData) });
  });

  it('eth_estimateGas is the least gas with which the reference engine runs the call successfully', async () => {
    const holder = '0x00000000000000000000000000000000000a0003';
    for (const data of [transferCall('0x00000000000000000000000000000000000b0001', 1n), transferCall(holder, 0n)]) {
      const est = BigInt((await call('eth_estimateGas', [{ from: holder, to: TOKEN, data }])).result);
      const ok = await reference(4, holder, TOKEN, data, est);
      expect(ok.results[0].status).toBe(1n);
      const short = await reference(4, holder, TOKEN, data, est - 1n);
      expect(short.results.length === 0 || short.results[0].status === 0n).toBe(true);
      const full = await reference(4, holder, TOKEN, data, 30_000_000n);
      expect(est).toBeGreaterThanOrEqual(full.results[0].gasUsed);
    }
    const plain = BigInt((await call('eth_estimateGas', [{ from: holder, to: `0x${'55'.repeat(20)}`, value: '0x1' }])).result);
    expect(plain).toBe(21_000n);
  });
});
