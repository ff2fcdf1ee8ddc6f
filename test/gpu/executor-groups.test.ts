import { afterAll, describe, expect, it } from 'vitest';
import type { GpuAccountState, GpuBlockContext, GpuCall } from '../../src/gpu/abi.js';
import { GpuCallExecutor, newDispatchTally } from '../../src/gpu/executor.js';
import { VAST_LIMITS } from '../../src/gpu/limits.js';
import { keccak256 } from '../../src/primitives/keccak.js';
import { closeTestGpu, testSession } from '../support/gpu.js';

/**
 * A wave larger than one group: GpuCallExecutor.execute cuts it into groups, prepares the
 * next group on the host while the device runs the last, and sorts each group's calls by
 * code. With VAST_LIMITS a call's output region is about 18 MiB, so a group holds a handful
 * of calls and 40 calls take several: their results, in the callers' order, must be those
 * of one group on an executor with the default limits.
 */
const zero = new Uint8Array(20);
const block: GpuBlockContext = { fork: 'Cancun', coinbase: zero, number: 1n, timestamp: 1n, gasLimit: 30_000_000n, chainId: 1n, baseFee: 0n, prevRandao: 0n, blobBaseFee: 1n, blockHashes: new Map() };
/** SLOAD(0) + calldata[0] + k: SSTORE(0, it); MSTORE(0, it); LOG1(0, 32, k); RETURN(0, 32). */
const code = (k: number) =>
  Uint8Array.from([0x60, 0x00, 0x54, 0x60, 0x00, 0x35, 0x01, 0x60, k, 0x01, 0x80, 0x60, 0x00, 0x55, 0x60, 0x00, 0x52, 0x60, k, 0x60, 0x20, 0x60, 0x00, 0xa1, 0x60, 0x20, 0x60, 0x00, 0xf3]);
const codes = [code(7), code(9), code(11)];
const address = (i: number) => Uint8Array.from({ length: 20 }, (_, k) => (k === 19 ? i & 0xff : k === 18 ? i >> 8 : 0xc0));
const calls: GpuCall[] = Array.from({ length: 40 }, (_, i) => {
  const data = new Uint8Array(32);
  data[31] = i;
  // Codes interleaved, so each group reorders its calls by code and must put the results back.
  return { address: address(i), caller: zero, origin: zero, value: 0n, data, gasPrice: 0n, gas: 100_000n, code: codes[(i * 7) % 3], isCreate: false, warmAddresses: [], warmSlots: [], blobVersionedHashes: [] };
});
// Each callee starts with slot 0 = 1000 + i: a call reads its own account's state.
const accounts = new Map<string, GpuAccountState>(
  calls.map((c, i) => [`0x${Buffer.from(c.address).toString('hex')}`, { balance: 0n, nonce: 1n, code: c.code, codeHash: keccak256(c.code), storage: new Map([[0n, 1000n + BigInt(i)]]) }]),
);
const state = { accounts };

describe('GpuCallExecutor with waves of several groups', () => {
  afterAll(() => closeTestGpu());

  it('answers each call in the callers\' order, as one group does', async () => {
    const session = await testSession();
    const policy = session.policy('interpreter');
    const grouped = new GpuCallExecutor(session.device, policy, VAST_LIMITS);
    const single = new GpuCallExecutor(session.device, policy);
    try {
      const tally = newDispatchTally();
      const got = await grouped.execute(block, state, calls, tally);
      const one = newDispatchTally();
      const want = await single.execute(block, state, calls, one);
      expect(one.submits).toBe(1);
      expect(tally.submits).toBeGreaterThanOrEqual(3);
      expect(got).toHaveLength(calls.length);
      got.forEach((r, i) => {
        const k = [7, 9, 11][(i * 7) % 3];
        const v = 1000 + i + i + k;
        expect(r.returnData, `call ${i}`).toEqual(Uint8Array.from({ length: 32 }, (_, b) => (b === 31 ? v & 0xff : b === 30 ? v >> 8 : 0)));
        expect(r.logs, `call ${i}`).toHaveLength(1);
      });
      expect(got).toEqual(want);
    } finally {
      grouped.dispose();
      single.dispose();
    }
  }, 300_000);

  it('reads a group back a window at a time, with the same results as one mapping', async () => {
    const session = await testSession();
    const policy = session.policy('interpreter');
    // One byte a window: every window holds the least it may, two calls, so 40 calls are read in 20.
    const windowed = new GpuCallExecutor(session.device, policy, { readBackWindowBytes: 1 });
    const whole = new GpuCallExecutor(session.device, policy, { readBackWindowBytes: 1 << 30 });
    try {
      const got = await windowed.execute(block, state, calls);
      const want = await whole.execute(block, state, calls);
      expect(got).toHaveLength(calls.length);
      expect(got).toEqual(want);
      got.forEach((r, i) => expect(r.logs, `call ${i}`).toHaveLength(1));
    } finally {
      windowed.dispose();
      whole.dispose();
    }
  }, 300_000);

  it('refuses a read-back window that is not a positive integer', async () => {
    const session = await testSession();
    expect(() => new GpuCallExecutor(session.device, session.policy('interpreter'), { readBackWindowBytes: 0 })).toThrow(/readBackWindowBytes/);
  });
});
