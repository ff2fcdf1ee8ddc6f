import { afterAll, describe, expect, it } from 'vitest';
import { closeTestGpu } from '../support/gpu.js';
import type { GpuCall, GpuCallResult } from '../../src/gpu/abi.js';
import { asm, CALLER, defaultExecutor, gpuBlock, gpuCall, hex, snapshotOf, TARGET, type Case } from './interpreter-harness.js';

/**
 * A call's slot overrides (GpuCall.slotOverrides: a chained rerun's start values,
 * speculation/chained-slots.ts) are its start state: a call whose snapshot holds a
 * slot's value and a call whose snapshot holds another value but whose override gives
 * the first must run alike, EIP-2200's original value, gas and refunds included, and
 * report the override's value as what they read.
 */
const sstore = (slot: number, v: number) => `PUSH ${v} PUSH ${slot} SSTORE`;

function cases(): { name: string; orig: bigint; code: Uint8Array }[] {
  const out: { name: string; orig: bigint; code: Uint8Array }[] = [];
  const sequences: [string, number, number[]][] = [
    ['x -> x', 5, [5]],
    ['x -> y', 5, [6]],
    ['x -> 0', 5, [0]],
    ['0 -> x', 0, [5]],
    ['x -> y -> x', 5, [6, 5]],
    ['0 -> x -> 0', 0, [5, 0]],
  ];
  for (const [label, orig, writes] of sequences) {
    const body = writes.map((v) => sstore(1, v)).join(' ');
    out.push({ name: `${label}, read first`, orig: BigInt(orig), code: asm(`PUSH 1 SLOAD PUSH 0 MSTORE ${body} PUSH 1 SLOAD PUSH 32 MSTORE PUSH 64 PUSH 0 RETURN`) });
    out.push({ name: `${label}, written first`, orig: BigInt(orig), code: asm(`${body} STOP`) });
  }
  // A counter: the value read flows into the value written.
  out.push({ name: 'increment', orig: 41n, code: asm('PUSH 1 SLOAD PUSH 1 ADD PUSH 1 SSTORE STOP') });
  return out;
}

const seen = (r: GpuCallResult) => ({
  outcome: r.outcome,
  gasLeft: r.gasLeft,
  refund: r.refund,
  returnData: hex(r.returnData),
  reads: r.storageReads.map((s) => `${hex(s.address)}:${s.slot}=${s.value}`),
  writes: r.storageWrites.map((s) => `${hex(s.address)}:${s.slot}=${s.value}`),
});

describe('interpreter kernel: slot overrides', () => {
  afterAll(() => closeTestGpu());

  it('an override is the start value: same gas, refunds, reads and writes as the snapshot holding it', async () => {
    const ex = await defaultExecutor();
    const block = gpuBlock({ fork: 'Cancun' });
    const all = cases();
    for (const [k, c] of all.entries()) {
      const held: Case = { name: c.name, code: c.code, storage: new Map([[1n, c.orig], [2n, 9n]]) };
      // The snapshot holds another value (and, for a zero original, a non-zero one): only the override can give the original.
      const other: Case = { name: c.name, code: c.code, storage: new Map([[1n, c.orig + 1000n], [2n, 9n]]) };
      const overridden: GpuCall = { ...gpuCall(other, k), slotOverrides: [{ address: TARGET(k), slot: 1n, value: c.orig }] };
      const [want] = await ex.execute(block, snapshotOf(held, k), [gpuCall(held, k)]);
      const [got] = await ex.execute(block, snapshotOf(other, k), [overridden]);
      expect(seen(got), c.name).toEqual(seen(want));
      expect(got.storageReads.find((r) => r.slot === 1n)?.value, c.name).toBe(c.orig);
    }
  }, 180_000);

  it('an override of another account or another slot changes nothing', async () => {
    const ex = await defaultExecutor();
    const block = gpuBlock({ fork: 'Cancun' });
    const c: Case = { name: 'increment', code: asm('PUSH 1 SLOAD PUSH 1 ADD PUSH 1 SSTORE STOP'), storage: new Map([[1n, 7n]]) };
    const [want] = await ex.execute(block, snapshotOf(c, 0), [gpuCall(c, 0)]);
    const elsewhere: GpuCall = { ...gpuCall(c, 0), slotOverrides: [{ address: CALLER(0), slot: 1n, value: 99n }, { address: TARGET(0), slot: 2n, value: 99n }] };
    const [got] = await ex.execute(block, snapshotOf(c, 0), [elsewhere]);
    expect(seen(got)).toEqual(seen(want));
    expect(got.storageWrites.map((w) => w.value)).toEqual([8n]);
  }, 180_000);
});
