import { afterAll, describe, expect, it } from 'vitest';
import type { GpuBlockContext, GpuCall } from '../../src/gpu/abi.js';
import { GpuCallExecutor } from '../../src/gpu/executor.js';
import { closeTestGpu, testSession } from '../support/gpu.js';

/**
 * GpuCallExecutor.reserve(): the buffers a full group needs (up to 128 MiB of output) are made (and zero-filled by
 * their first use) before any batch, so a large batch grows none of them, and a reserved
 * executor's results are those of one that grew its buffers batch by batch.
 */
const zero = new Uint8Array(20);
const block: GpuBlockContext = { fork: 'Cancun', coinbase: zero, number: 1n, timestamp: 1n, gasLimit: 30_000_000n, chainId: 1n, baseFee: 0n, prevRandao: 0n, blobBaseFee: 1n, blockHashes: new Map() };
// SSTORE(0, calldata[0]); MSTORE(0, calldata[0] + 7); LOG1(0, 32, 0xaa); RETURN(0, 32)
const code = Uint8Array.from([0x60, 0x00, 0x35, 0x60, 0x00, 0x55, 0x60, 0x00, 0x35, 0x60, 0x07, 0x01, 0x60, 0x00, 0x52, 0x60, 0xaa, 0x60, 0x20, 0x60, 0x00, 0xa1, 0x60, 0x20, 0x60, 0x00, 0xf3]);
const calls = (n: number): GpuCall[] =>
  Array.from({ length: n }, (_, i) => {
    const address = Uint8Array.from({ length: 20 }, (_, k) => (k === 19 ? i & 0xff : k === 18 ? i >> 8 : 0xc0));
    const data = new Uint8Array(32);
    data[31] = i & 0xff;
    data[30] = i >> 8;
    return { address, caller: zero, origin: zero, value: 0n, data, gasPrice: 0n, gas: 100_000n, code, isCreate: false, warmAddresses: [], warmSlots: [], blobVersionedHashes: [] };
  });

describe('GpuCallExecutor.reserve', () => {
  afterAll(() => closeTestGpu());

  it('sizes the scratch, stack, output and read-back buffers for a full group, which a batch then does not grow', async () => {
    const session = await testSession();
    const policy = session.policy('interpreter');
    const reserved = new GpuCallExecutor(session.device, policy);
    const growing = new GpuCallExecutor(session.device, policy);
    try {
      await reserved.reserve();
      const before = reserved.buffersHeld();
      for (const role of ['scratch', 'out', 'read']) expect(before[role], role).toBeGreaterThan(64 << 20);
      // A slot's stack pool (32 KiB) is a third of its scratch (64 KiB memory and the records).
      expect(before.stack).toBeGreaterThan(32 << 20);
      expect(before.out).toBe(before.read);

      const batch = calls(600);
      const got = await reserved.execute(block, { accounts: new Map() }, batch);
      const after = reserved.buffersHeld();
      for (const role of ['scratch', 'stack', 'out', 'read']) expect(after[role], role).toBe(before[role]);

      const want = await growing.execute(block, { accounts: new Map() }, batch);
      expect(growing.buffersHeld().out).toBeLessThan(before.out);
      expect(got).toEqual(want);
      expect(got[599].returnData).toEqual(Uint8Array.from({ length: 32 }, (_, k) => (k === 31 ? (599 + 7) & 0xff : k === 30 ? (599 + 7) >> 8 : 0)));
      expect(got[599].logs).toHaveLength(1);
    } finally {
      reserved.dispose();
      growing.dispose();
    }
  });
});
