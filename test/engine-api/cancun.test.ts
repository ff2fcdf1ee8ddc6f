import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineApi } from '../../src/engine-api/forkchoice.js';
import { engineMethods } from '../../src/engine-api/methods.js';
import { bytesToHex } from '../../src/primitives/hex.js';
import { Chain } from '../../src/rollup/chain.js';
import { handle } from '../../src/rpc/dispatch.js';
import { parseChainInit } from '../../src/wire/chain.js';
import { CHAIN_ID, COINBASE, genesis } from '../support/chain-blocks.js';
import { testRegistry } from '../support/registry.js';
import { key, signRaw } from '../server/helpers.js';

/**
 * A Cancun chain through the Engine API's V3 payload methods (no requests, no requests
 * hash in the header); Prague's V4 methods answer -38005 Unsupported fork there.
 */
const registry = testRegistry({ runtime: { cpuWorkers: 1 }, openGpu: () => Promise.reject(new Error('no GPU in the Engine API tests')) });
const dir = mkdtempSync(join(tmpdir(), 'evmgpu-engine-cancun-'));
const ZERO = `0x${'00'.repeat(32)}`;
afterAll(async () => {
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Engine API on a Cancun chain', () => {
  it('builds and imports blocks with the V3 methods; V4 is -38005', async () => {
    const chain = new Chain({ dir, rollbackDepth: 8, stateCacheBytes: 1 << 20 }, registry);
    try {
      await chain.init(parseChainInit({ ...genesis(0n, 1000n), fork: 'Cancun' }));
      const table = engineMethods(new EngineApi(chain, 'cpu'), { code: 'EG', name: 'evmgpu', version: '0', commit: '0x00000000' });
      const call = async (method: string, ...params: unknown[]) => (await handle(table, { jsonrpc: '2.0', id: 1, method, params })) as { result?: any; error?: { code: number } };
      for (let n = 1; n <= 3; n++) {
        const head = bytesToHex(chain.head().hash);
        const fc = { headBlockHash: head, safeBlockHash: ZERO, finalizedBlockHash: ZERO };
        const tx = signRaw('Cancun', { type: 2, chainId: CHAIN_ID, nonce: BigInt(n - 1), to: COINBASE, value: 5n, gasLimit: 21_000n, maxFeePerGas: 10n ** 9n, maxPriorityFeePerGas: 2n }, key(100).priv).raw;
        const attrs = { timestamp: `0x${(1000 + 2 * n).toString(16)}`, prevRandao: ZERO, suggestedFeeRecipient: COINBASE, withdrawals: [], parentBeaconBlockRoot: ZERO, transactions: [tx], noTxPool: true };
        const { payloadId } = (await call('engine_forkchoiceUpdatedV3', fc, attrs)).result;
        expect((await call('engine_getPayloadV4', payloadId)).error).toMatchObject({ code: -38005 });
        const got = (await call('engine_getPayloadV3', payloadId)).result;
        expect(got.executionRequests).toBeUndefined();
        const p = got.executionPayload;
        expect((await call('engine_newPayloadV4', p, [], ZERO, [])).error).toMatchObject({ code: -38005 });
        expect((await call('engine_newPayloadV3', p, [], ZERO)).result).toEqual({ status: 'VALID', latestValidHash: p.blockHash, validationError: null });
        expect((await call('engine_forkchoiceUpdatedV3', { ...fc, headBlockHash: p.blockHash })).result.payloadStatus.status).toBe('VALID');
        expect(chain.block(BigInt(n)).result.results).toHaveLength(1);
      }
      expect(chain.head().number).toBe(3n);
    } finally {
      await chain.close();
    }
  }, 120_000);
});
