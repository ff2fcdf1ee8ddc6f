import { afterAll, describe, expect, it } from 'vitest';
import { FEES, SENDER_BALANCE, account, quantity, toBatch } from '../../bench/workloads/common.js';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';
import type { WireBatch } from '../../src/model/shapes.js';
import { SlotDeltas, deltaWrite } from '../../src/speculation/chained-slots.js';
import type { GpuCallResult } from '../../src/gpu/abi.js';
import { asm } from '../gpu/asm.js';
import { testRegistry } from '../support/registry.js';
import { expectEqualToReference, speculation } from './helpers.js';

/**
 * Chains of one hot slot (src/speculation/chained-slots.ts): once a rerun showed that a
 * slot takes deltas from the transactions that run a code, a rerun wave starts each
 * later link of the chain from the value the link before it is predicted to write (a
 * slot override of its call), so the chain runs in one wave. Every link is validated at
 * its commit, so a wrong prediction costs a rerun: each case equals the reference.
 */
const registry = testRegistry();
afterAll(() => registry.close());

const HOT = account(0x400, 0);
const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString('hex')}` as `0x${string}`;

/** slot 0 += the call's argument */
const ADD = hex(asm('PUSH 0 CALLDATALOAD PUSH 0 SLOAD ADD PUSH 0 SSTORE STOP'));
/** slot 0 = 2 * slot 0 + the argument: not a delta */
const DOUBLE = hex(asm('PUSH 0 CALLDATALOAD PUSH 0 SLOAD PUSH 2 MUL ADD PUSH 0 SSTORE STOP'));
/** slot 0 += the argument, reverting past 1000: the chain's prediction breaks where a link reverts */
const CAPPED = hex(asm('PUSH 0 CALLDATALOAD PUSH 0 SLOAD ADD DUP1 PUSH 1000 LT @bad JUMPI PUSH 0 SSTORE STOP :bad PUSH 0 PUSH 0 REVERT'));

/**
 * A mint: reads the counter (slot 0) and fails where the argument is 0; else checks that
 * the token's owner slot (0x1000 + counter, keyed by the counter) is empty, writes the
 * caller there and moves the counter on.
 */
const MINT = hex(asm('PUSH 0 SLOAD PUSH 0 CALLDATALOAD ISZERO @fail JUMPI DUP1 PUSH 0x1000 ADD DUP1 SLOAD @fail JUMPI CALLER SWAP1 SSTORE PUSH 1 ADD PUSH 0 SSTORE STOP :fail PUSH 0 PUSH 0 REVERT'));

function calls(n: number, code: `0x${string}`, arg: (i: number) => bigint): WireBatch {
  const pre: WireBatch['pre'] = { [HOT]: { balance: '0x0', nonce: '0x1', code } };
  const txs: WireBatch['txs'] = [];
  for (let i = 0; i < n; i++) {
    const sender = account(0x5e, i);
    pre[sender] = { balance: SENDER_BALANCE, nonce: '0x0' };
    txs.push({ from: sender, to: HOT, nonce: '0x0', gas: quantity(100_000n), ...FEES, value: '0x0', data: `0x${arg(i).toString(16).padStart(64, '0')}` });
  }
  return toBatch({ pre, txs, gasBudget: 100_000n * BigInt(n) });
}

describe('chains of one hot slot', () => {
  it('gpu: transfers to one recipient run in three waves, not one a link', async () => {
    const r = await expectEqualToReference(registry, erc20TransferBatch({ transfers: 24, recipients: 'hot', seed: 4 }), 'gpu');
    const s = speculation(r);
    // The first wave; the first stale transfer alone (its rerun shows the recipient's balance takes deltas); the next stale one with the rest of the chain.
    expect(s.waves).toBe(3);
    expect(s.chainedFrames).toBe(21);
    expect(r.stats.engines).toEqual({ gpu: 24 });
  }, 180_000);

  it('gpu: a counter that adds its argument runs as a chain', async () => {
    const s = speculation(await expectEqualToReference(registry, calls(12, ADD, (i) => BigInt(i + 1)), 'gpu'));
    expect(s.waves).toBe(3);
    expect(s.chainedFrames).toBe(9);
  }, 180_000);

  it('gpu: a slot that does not take deltas is not chained: one wave a link', async () => {
    const s = speculation(await expectEqualToReference(registry, calls(8, DOUBLE, (i) => BigInt(i + 1)), 'gpu'));
    expect(s.chainedFrames).toBe(0);
    expect(s.waves).toBe(8);
  }, 180_000);

  it('gpu: a link that reverts breaks the prediction: the links after it rerun, and the result is exact', async () => {
    // 100 each: the tenth call would pass 1000 and reverts, as do those after it.
    const s = speculation(await expectEqualToReference(registry, calls(14, CAPPED, () => 100n), 'gpu'));
    expect(s.chainedFrames).toBeGreaterThan(0);
  }, 180_000);

  it('gpu: mints whose owner slots are keyed by the counter run as one chain', async () => {
    // Each stale run wrote the owner of the token its stale counter named, a slot every run read as zero: the chain's links write others.
    const s = speculation(await expectEqualToReference(registry, calls(10, MINT, () => 1n), 'gpu'));
    expect(s.waves).toBe(3);
    expect(s.chainedFrames).toBe(7);
  }, 180_000);

  it('gpu: mints whose slots are keyed by the counter, and mints that fail, run as one chain', async () => {
    // Every third mint fails (it reads the counter, writes nothing); the others write the owner of token `counter`, a slot each run read as zero.
    const s = speculation(await expectEqualToReference(registry, calls(15, MINT, (i) => BigInt(i % 3)), 'gpu'));
    expect(s.waves).toBe(3);
    expect(s.chainedFrames).toBe(11);
  }, 180_000);

  it('auto: the chain is equal to the reference', async () => {
    await expectEqualToReference(registry, calls(12, ADD, (i) => BigInt(i + 1)), 'auto');
  }, 180_000);
});

describe('SlotDeltas', () => {
  const A = new Uint8Array(20).fill(0xaa);
  const addr = `0x${'aa'.repeat(20)}`;
  const result = (read: bigint, wrote: bigint): GpuCallResult => ({ storageReads: [{ address: A, slot: 5n, value: read }], storageWrites: [{ address: A, slot: 5n, value: wrote }] }) as unknown as GpuCallResult;

  it('learns from a rerun whose write moved by what its read moved, per code; a slot shown once not to take deltas keeps that verdict', () => {
    const d = new SlotDeltas();
    d.learn('code-a', result(10n, 13n), result(10n, 13n));
    expect(d.takesDeltas('code-a', addr, 5n)).toBe(false);
    d.learn('code-a', result(10n, 13n), result(20n, 23n));
    expect(d.takesDeltas('code-a', addr, 5n)).toBe(true);
    expect(d.takesDeltas('code-b', addr, 5n)).toBe(false);
    d.learn('code-a', result(10n, 13n), result(20n, 40n));
    expect(d.takesDeltas('code-a', addr, 5n)).toBe(false);
    d.learn('code-a', result(10n, 13n), result(30n, 33n));
    expect(d.takesDeltas('code-a', addr, 5n)).toBe(false);
  });

  it('learns from an ethereumjs re-execution too', () => {
    const d = new SlotDeltas();
    d.learnFromExecution('code-a', result(10n, 13n), [[addr, 5n, 50n]], [[addr, [[5n, 53n]]]]);
    expect(d.takesDeltas('code-a', addr, 5n)).toBe(true);
  });

  it('predicts modulo 2^256', () => {
    expect(deltaWrite(5n, 10n, 20n)).toBe(15n);
    expect(deltaWrite(0n, 1n, 0n)).toBe((1n << 256n) - 1n);
  });

  it('stops chaining after failed chained reruns outnumber those that held', () => {
    const d = new SlotDeltas();
    for (let i = 0; i < 7; i++) d.chainCommitted(false);
    expect(d.chaining()).toBe(true);
    d.chainCommitted(false);
    expect(d.chaining()).toBe(false);
    for (let i = 0; i < 8; i++) d.chainCommitted(true);
    expect(d.chaining()).toBe(true);
  });
});
