import { afterAll, describe, expect, it } from 'vitest';
import { closeTestGpu } from '../support/gpu.js';
import type { Fork } from '../../src/model/fork.js';
import { asm, diff, noMismatches, type Case } from './interpreter-harness.js';

const ret = (body: string) => asm(`${body} PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN`);
const sstore = (slot: number | bigint, v: number | bigint) => `PUSH ${v} PUSH ${slot} SSTORE`;

/**
 * SSTORE net gas metering (EIP-2200) with EIP-2929 access costs and EIP-3529 refunds,
 * over every (original, current, new) transition, cold and warm, and the 2300 sentry.
 */
function sstoreCases(): Case[] {
  const cases: Case[] = [];
  // Slot 1 holds `orig` before the call; `writes` are stored in order.
  const sequences: [string, number, number[]][] = [
    ['0 -> 0 (noop)', 0, [0]],
    ['0 -> x (init)', 0, [5]],
    ['x -> x (noop)', 5, [5]],
    ['x -> y (clean write)', 5, [6]],
    ['x -> 0 (clear, refund)', 5, [0]],
    ['0 -> x -> y (dirty)', 0, [5, 6]],
    ['0 -> x -> 0 (init refund)', 0, [5, 0]],
    ['x -> y -> x (clean refund)', 5, [6, 5]],
    ['x -> 0 -> x (refund reversed, clean refund)', 5, [0, 5]],
    ['x -> 0 -> y (refund reversed)', 5, [0, 7]],
    ['x -> y -> 0 (dirty clear)', 5, [6, 0]],
    ['x -> y -> z (dirty)', 5, [6, 7]],
    ['x -> 0 -> 0 (dirty noop)', 5, [0, 0]],
    ['0 -> x -> x (dirty noop)', 0, [5, 5]],
    ['x -> y -> x -> y', 5, [6, 5, 6]],
    ['0 -> x -> 0 -> x', 0, [5, 0, 5]],
    ['x -> 0 -> x -> 0', 5, [0, 5, 0]],
  ];
  for (const [label, orig, writes] of sequences) {
    const storage = new Map([[1n, BigInt(orig)], [2n, 9n]]);
    const body = writes.map((v) => sstore(1, v)).join(' ');
    cases.push({ name: `SSTORE ${label}, cold`, storage, code: asm(`${body} STOP`) });
    cases.push({ name: `SSTORE ${label}, warm (access list)`, storage, warmSlots: [1n], code: asm(`${body} STOP`) });
    cases.push({ name: `SSTORE ${label}, after SLOAD`, storage, code: asm(`PUSH 1 SLOAD POP ${body} PUSH 1 SLOAD PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN`) });
    cases.push({ name: `SSTORE ${label}, then REVERT`, storage, code: asm(`${body} PUSH 0 PUSH 0 REVERT`) });
  }
  // The sentry: SSTORE fails when gas left <= 2300, before any cost is computed.
  for (const gas of [2300n + 6n, 2301n + 6n, 2400n + 6n, 5000n + 6n, 22_100n + 6n - 1n, 22_100n + 6n]) {
    cases.push({ name: `SSTORE 0 -> x with ${gas} gas`, code: asm(`${sstore(3, 1)} STOP`), gas });
    cases.push({ name: `SSTORE noop warm with ${gas} gas`, warmSlots: [3n], code: asm(`${sstore(3, 0)} STOP`), gas });
  }
  cases.push({ name: 'SSTORE stack underflow', code: asm('PUSH 1 SSTORE STOP') });
  cases.push({ name: 'SSTORE many slots', storage: new Map([[7n, 1n]]), code: asm(`${Array.from({ length: 20 }, (_, i) => sstore(i, i * 3)).join(' ')} STOP`) });
  return cases;
}

describe('interpreter kernel: storage', () => {
  afterAll(() => closeTestGpu());

  for (const fork of ['Berlin', 'London', 'Cancun', 'Prague'] as Fork[]) {
    it(`SSTORE: every EIP-2200 transition, cold/warm, refunds and the sentry (${fork})`, async () => {
      const { mismatches } = await diff({ fork }, sstoreCases(), { slots: [0n, 1n, 2n, 3n, 7n, ...Array.from({ length: 20 }, (_, i) => BigInt(i))] });
      expect(noMismatches(mismatches)).toEqual([]);
    });
  }

  it('SLOAD: cold 2100, warm 100 (access list, or after a first access), own writes visible', async () => {
    const storage = new Map([[1n, 0xabcn], [1n << 255n, 7n]]);
    const cases: Case[] = [
      { name: 'SLOAD cold', storage, code: ret('PUSH 1 SLOAD') },
      { name: 'SLOAD warm via access list', storage, warmSlots: [1n], code: ret('PUSH 1 SLOAD') },
      { name: 'SLOAD twice', storage, code: ret('PUSH 1 SLOAD PUSH 1 SLOAD ADD') },
      { name: 'SLOAD absent slot', storage, code: ret('PUSH 9 SLOAD') },
      { name: 'SLOAD high slot', storage, code: ret(`PUSH32 ${1n << 255n} SLOAD`) },
      { name: 'SLOAD after SSTORE', storage, code: ret(`${sstore(1, 42)} PUSH 1 SLOAD`) },
      { name: 'SLOAD cold out of gas by one', storage, code: asm('PUSH 1 SLOAD STOP'), gas: 3n + 2099n },
      { name: 'SLOAD cold exact gas', storage, code: asm('PUSH 1 SLOAD STOP'), gas: 3n + 2100n },
      { name: 'SLOAD of a key warm for another account only', storage, code: ret('PUSH 1 SLOAD') },
    ];
    const { mismatches } = await diff({ fork: 'Prague' }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
  });

  it('TLOAD / TSTORE (EIP-1153): 100 gas, zero by default, overwrite, no effect on storage; undefined before Cancun', async () => {
    const cases: Case[] = [
      { name: 'TLOAD of unset key', code: ret('PUSH 5 TLOAD') },
      { name: 'TSTORE then TLOAD', code: ret('PUSH 77 PUSH 5 TSTORE PUSH 5 TLOAD') },
      { name: 'TSTORE overwrite', code: ret('PUSH 77 PUSH 5 TSTORE PUSH 78 PUSH 5 TSTORE PUSH 5 TLOAD') },
      { name: 'TSTORE other key', code: ret('PUSH 77 PUSH 5 TSTORE PUSH 6 TLOAD') },
      { name: 'TSTORE zero', code: ret('PUSH 77 PUSH 5 TSTORE PUSH 0 PUSH 5 TSTORE PUSH 5 TLOAD') },
      { name: 'TSTORE is not SSTORE', code: ret('PUSH 77 PUSH 1 TSTORE PUSH 1 SLOAD') },
      { name: 'TSTORE many keys', code: ret(`${Array.from({ length: 20 }, (_, i) => `PUSH ${i + 1} PUSH ${i * 1000} TSTORE`).join(' ')} PUSH 7000 TLOAD`) },
      { name: 'TSTORE stack underflow', code: asm('PUSH 1 TSTORE') },
    ];
    for (const fork of ['Shanghai', 'Cancun', 'Prague'] as Fork[]) {
      const { mismatches } = await diff({ fork }, cases);
      expect(noMismatches(mismatches)).toEqual([]);
    }
  });
});
