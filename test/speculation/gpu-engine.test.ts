import { afterAll, describe, expect, it } from 'vitest';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';
import { testRegistry } from '../support/registry.js';
import { ReferenceEngine } from '../../src/engine/reference.js';
import type { BatchResult, WireBatch } from '../../src/model/shapes.js';
import { comparable } from '../../src/engine/compare.js';
import { parseBatch } from '../../src/wire/parse.js';
import { validateBatch } from '../../src/wire/validate.js';
import { ALICE, batch, transfer } from '../server/helpers.js';

/**
 * Engine `gpu` against the oracle on whole batches: every field of the result but
 * the engine labels and timings must be identical.
 */
const registry = testRegistry();
const gpu = registry.get('gpu');
const reference = new ReferenceEngine();
afterAll(() => registry.close());

function speculation(r: BatchResult) {
  if (r.stats.mode !== 'speculative') throw new Error('ran sequentially');
  return r.stats.speculation;
}

async function both(w: WireBatch) {
  validateBatch(w);
  const [g, ref] = [await gpu.execute(parseBatch(w)), await reference.execute(parseBatch(w))];
  expect(comparable(g)).toEqual(comparable(ref));
  return g;
}

describe('engine gpu equals the reference', () => {
  it('on conflict-free ERC-20 transfers, all run on the GPU from the speculative wave', async () => {
    const g = await both(erc20TransferBatch({ transfers: 64 }));
    expect(g.stats.engines).toEqual({ gpu: 64 });
    expect(speculation(g)).toMatchObject({ gpuFrames: 64, gpuCommitted: 64, gpuReruns: 0 });
  });

  it('on ERC-20 transfers that all credit one hot recipient', async () => {
    const g = await both(erc20TransferBatch({ transfers: 32, recipients: 'hot' }));
    expect(g.stats.engines).toEqual({ gpu: 32 });
    // Each transfer reads the recipient balance the previous one wrote: only the first wave result stays valid, the rest rerun on the GPU.
    expect(speculation(g)).toMatchObject({ gpuFrames: 32, gpuCommitted: 32, gpuReruns: 31 });
  });

  it('on a batch mixing transfers, reverts, out-of-gas and invalid transactions', async () => {
    const w = erc20TransferBatch({ transfers: 8 });
    const txs = w.txs as unknown as Record<string, string>[];
    // An amount above the sender's token balance: SafeMath reverts.
    txs[1].data = `0xa9059cbb${'00'.repeat(12)}${'11'.repeat(20)}${'ff'.repeat(32)}`;
    txs[2].gas = '0x6000'; // too little gas for the transfer: out of gas after intrinsic
    txs[3].nonce = '0x5'; // rejected: nonce too high
    const g = await both(w);
    expect(g.results.find((r) => r.index === 1)!.status).toBe(0n);
    expect(g.rejected.map((r) => r.code)).toEqual(['TX_NONCE_TOO_HIGH']);
  });

  it('gives the identical result when the device is lost, and recovers on a fresh device', async () => {
    (await registry.gpu.session()).device.destroy();
    const lost = await both(erc20TransferBatch({ transfers: 8 }));
    expect(Object.values(lost.stats.engines).reduce((a, b) => a + b, 0)).toBe(8);
    const after = await both(erc20TransferBatch({ transfers: 8 }));
    expect(after.stats.engines).toEqual({ gpu: 8 });
  });

  it('reports an invalid jump the same way: outcome InvalidJump, error "invalid JUMP"', async () => {
    const w = erc20TransferBatch({ transfers: 1 });
    const target = '0x00000000000000000000000000000000000000dd';
    w.pre[target] = { balance: '0x0', nonce: '0x1', code: '0x600356' }; // PUSH1 3, JUMP: 3 is past the code
    (w.txs[0] as { to: string }).to = target;
    const g = await both(w);
    expect(g.results[0]).toMatchObject({ outcome: 'InvalidJump', error: 'invalid JUMP', status: 0n, engine: 'gpu' });
  });
});

describe('engine auto while its kernels are being made', () => {
  const fresh = testRegistry({ waitForKernels: false });
  afterAll(() => fresh.close());

  it('runs a batch with code on the CPU routes rather than wait, then on the GPU once they are ready; plain transfers leave the route closed', async () => {
    const auto = fresh.get('auto');
    const ref = await reference.execute(parseBatch(erc20TransferBatch({ transfers: 4 })));
    const plain = await auto.execute(parseBatch(batch({ txs: [transfer(ALICE, 0), transfer(ALICE, 1)] })));
    expect(plain.stats.engines).toEqual({ host: 2 });
    expect(fresh.gpuRoute()).toBe('closed');
    const first = await auto.execute(parseBatch(erc20TransferBatch({ transfers: 4 })));
    expect(comparable(first)).toEqual(comparable(ref));
    expect(speculation(first).fallbacks).toMatchObject({ 'gpu-preparing': 1 });
    expect(speculation(first).gpuFrames).toBe(0);
    expect(fresh.gpuRoute()).toBe('preparing');
    expect(await fresh.warmUp('auto')).toMatchObject({ opened: true });
    expect(fresh.gpuRoute()).toBe('ready');
    const later = await auto.execute(parseBatch(erc20TransferBatch({ transfers: 4 })));
    expect(comparable(later)).toEqual(comparable(ref));
    expect(speculation(later).fallbacks['gpu-preparing']).toBeUndefined();
    expect(speculation(later).gpuFrames).toBeGreaterThan(0);
  });
});

describe('without a GPU adapter', () => {
  const noGpu = testRegistry({ openGpu: () => Promise.reject(new Error('no WebGPU adapter')) });
  afterAll(() => noGpu.close());

  it('engine gpu answers ENGINE_UNAVAILABLE (503), engine auto runs on the CPU routes with the reference result', async () => {
    const w = erc20TransferBatch({ transfers: 4 });
    validateBatch(w);
    await expect(noGpu.get('gpu').execute(parseBatch(w))).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE', statusCode: 503 });
    const [a, ref] = [await noGpu.get('auto').execute(parseBatch(w)), await reference.execute(parseBatch(w))];
    expect(comparable(a)).toEqual(comparable(ref));
    expect(a.stats.engines).toEqual({ cpu: 4 });
  });
});
