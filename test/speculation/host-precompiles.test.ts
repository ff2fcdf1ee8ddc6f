import { afterAll, describe, expect, it } from 'vitest';
import { FEES, SENDER_BALANCE, account, quantity, toBatch } from '../../bench/workloads/common.js';
import type { Hex, WireBatch } from '../../src/model/shapes.js';
import { bytesToHex } from '../../src/primitives/hex.js';
import { asm } from '../gpu/asm.js';
import { testRegistry } from '../support/registry.js';
import { expectEqualToReference, speculation } from './helpers.js';

/**
 * Precompile calls inside GPU frames: the kernel stops at each with a request, the
 * host runs it with ethereumjs's precompiles and the frame runs again with the answer
 * (src/speculation/host-calls.ts); the transaction stays on the GPU, and every result
 * equals the reference's.
 */
const registry = testRegistry();
afterAll(() => registry.close());


// ripemd160 and identity of a word from calldata, with value to identity; ecrecover of
// zeros (success, no output); modexp with a length too large for the gas (a failing
// run: left to the CPU). Each result and RETURNDATASIZE is stored.
const CALLER = asm(`
  PUSH1 0 CALLDATALOAD PUSH1 0 MSTORE
  PUSH1 32 PUSH1 32 PUSH1 32 PUSH1 0 PUSH1 3 GAS STATICCALL PUSH1 10 SSTORE
  PUSH1 32 MLOAD PUSH1 0 SSTORE RETURNDATASIZE PUSH1 11 SSTORE
  PUSH1 32 PUSH1 64 PUSH1 32 PUSH1 0 PUSH1 3 PUSH1 4 GAS CALL PUSH1 12 SSTORE
  PUSH1 64 MLOAD PUSH1 1 SSTORE
  PUSH1 32 PUSH1 96 PUSH1 128 PUSH1 160 PUSH1 1 GAS STATICCALL PUSH1 13 SSTORE RETURNDATASIZE PUSH1 14 SSTORE
  PUSH1 32 CALLDATALOAD ISZERO @done JUMPI
  PUSH1 0x7f PUSH1 0 MSTORE PUSH1 32 PUSH1 0 PUSH1 96 PUSH1 0 PUSH1 5 PUSH2 0x1000 STATICCALL PUSH1 15 SSTORE
  :done STOP
`);
const CONTRACT: Hex = account(0xca11, 0);

function batch(modexp: boolean): WireBatch {
  const sender = account(0x5e, 1);
  const data = `0x${'ab'.repeat(32)}${modexp ? '01'.padStart(64, '0') : '00'.repeat(32)}` as Hex;
  return toBatch({
    pre: { [sender]: { balance: SENDER_BALANCE, nonce: '0x0' }, [CONTRACT]: { balance: quantity(1000), nonce: '0x1', code: bytesToHex(CALLER) } },
    txs: [{ from: sender, to: CONTRACT, nonce: '0x0', gas: quantity(300_000), ...FEES, value: '0x0', data }],
    gasBudget: 300_000n,
  });
}

describe('precompile calls inside GPU frames', () => {
  for (const engine of ['gpu', 'auto']) {
    it(`${engine}: ripemd160 and ecrecover answered by the host, identity with value run by the kernel, the transaction on the GPU`, async () => {
      const r = await expectEqualToReference(registry, batch(false), engine);
      expect(r.stats.engines).toEqual({ gpu: 1 });
      expect(speculation(r).hostPrecompiles).toBe(2);
      // One call answered per round, each round a submit of its own after the first.
      expect(speculation(r).perWave).toMatchObject([{ frames: 1, hostRounds: 2, submits: 3 }]);
    });
  }

  it('gpu: a failing precompile run is not answered: the transaction runs on the CPU, with the same result', async () => {
    const r = await expectEqualToReference(registry, batch(true), 'gpu');
    expect(r.stats.engines).toEqual({ cpu: 1 });
    expect(speculation(r).hostPrecompiles).toBe(2);
    expect(speculation(r).fallbacks['gpu:NeedsHost']).toBe(1);
  });
});

// Three ripemd160 calls in a row, each over the last digest; the last digest is stored.
const THREE_RIPEMD = asm(`
  PUSH1 0 CALLDATALOAD PUSH1 0 MSTORE
  PUSH1 32 PUSH1 0 PUSH1 32 PUSH1 0 PUSH1 3 GAS STATICCALL POP
  PUSH1 32 PUSH1 0 PUSH1 32 PUSH1 0 PUSH1 3 GAS STATICCALL POP
  PUSH1 32 PUSH1 0 PUSH1 32 PUSH1 0 PUSH1 3 GAS STATICCALL POP
  PUSH1 0 MLOAD PUSH1 0 SSTORE STOP
`);

function threeRipemdBatch(): WireBatch {
  const sender = account(0x5e, 2);
  return toBatch({
    pre: { [sender]: { balance: SENDER_BALANCE, nonce: '0x0' }, [CONTRACT]: { balance: '0x0', nonce: '0x1', code: bytesToHex(THREE_RIPEMD) } },
    txs: [{ from: sender, to: CONTRACT, nonce: '0x0', gas: quantity(200_000), ...FEES, value: '0x0', data: `0x${'cd'.repeat(32)}` as Hex }],
    gasBudget: 200_000n,
  });
}

describe('how many host answers a frame gets (gpu-route.ts: hostAnswers)', () => {
  it('gpu: every one the kernels take: three calls, three rounds, the transaction on the GPU', async () => {
    const r = await expectEqualToReference(registry, threeRipemdBatch(), 'gpu');
    expect(r.stats.engines).toEqual({ gpu: 1 });
    expect(speculation(r).hostPrecompiles).toBe(3);
    expect(speculation(r).perWave).toMatchObject([{ frames: 1, hostRounds: 3 }]);
  });

  it('auto on a software adapter: two, then the CPU runs the transaction, with the same result', async () => {
    const r = await expectEqualToReference(registry, threeRipemdBatch(), 'auto');
    expect(r.stats.engines).toEqual({ cpu: 1 });
    expect(speculation(r).hostPrecompiles).toBe(2);
    expect(speculation(r).perWave).toMatchObject([{ frames: 1, hostRounds: 2 }]);
  });
});

// Identity runs in the kernel: a call from calldata's (in offset, in length, out offset,
// out length, gas) over a patterned memory; the call's flag, RETURNDATASIZE, memory,
// MSIZE, the return data and the gas left are stored, from calldata's sixth word on (each
// case its own slots: the state diff holds every case's result, not the last one's).
const word = (k: number) => `0x${Array.from({ length: 32 }, (_, j) => (32 * k + j + 1).toString(16).padStart(2, '0')).join('')}`;
const IDENTITY_CALLER = asm(`
  PUSH32 ${word(0)} PUSH1 0 MSTORE PUSH32 ${word(1)} PUSH1 32 MSTORE PUSH32 ${word(2)} PUSH1 64 MSTORE PUSH32 ${word(3)} PUSH1 96 MSTORE
  PUSH1 0x60 CALLDATALOAD PUSH1 0x40 CALLDATALOAD PUSH1 0x20 CALLDATALOAD PUSH1 0 CALLDATALOAD PUSH1 0 PUSH1 4 PUSH1 0x80 CALLDATALOAD CALL PUSH1 0 PUSH1 0xa0 CALLDATALOAD ADD SSTORE
  RETURNDATASIZE PUSH1 1 PUSH1 0xa0 CALLDATALOAD ADD SSTORE
  PUSH1 0 MLOAD PUSH1 2 PUSH1 0xa0 CALLDATALOAD ADD SSTORE PUSH1 32 MLOAD PUSH1 3 PUSH1 0xa0 CALLDATALOAD ADD SSTORE PUSH1 64 MLOAD PUSH1 4 PUSH1 0xa0 CALLDATALOAD ADD SSTORE PUSH1 96 MLOAD PUSH1 5 PUSH1 0xa0 CALLDATALOAD ADD SSTORE PUSH1 128 MLOAD PUSH1 6 PUSH1 0xa0 CALLDATALOAD ADD SSTORE
  MSIZE PUSH1 7 PUSH1 0xa0 CALLDATALOAD ADD SSTORE
  RETURNDATASIZE PUSH1 0 PUSH2 200 RETURNDATACOPY PUSH2 200 MLOAD PUSH1 8 PUSH1 0xa0 CALLDATALOAD ADD SSTORE PUSH2 232 MLOAD PUSH1 9 PUSH1 0xa0 CALLDATALOAD ADD SSTORE PUSH2 264 MLOAD PUSH1 10 PUSH1 0xa0 CALLDATALOAD ADD SSTORE
  GAS PUSH1 11 PUSH1 0xa0 CALLDATALOAD ADD SSTORE
  STOP
`);
const IDENTITY_CONTRACT: Hex = account(0x1de, 0);

/**
 * Runs a precompile the kernel computes itself, one transaction per case of [in offset,
 * in length, out offset, out length, gas] (each storing its results in slots of its own):
 * the result equals the reference's on auto and gpu, every transaction succeeds, and on
 * gpu all run there but the last case, whose call is one gas unit short: a failing run,
 * which the host leaves to the CPU.
 */
async function expectKernelPrecompile(contract: Hex, caller: Uint8Array, cases: number[][], senders: number): Promise<void> {
  const sender = (i: number) => account(0x5e, senders + i);
  const pre: WireBatch['pre'] = { [contract]: { balance: '0x0', nonce: '0x1', code: bytesToHex(caller) } };
  cases.forEach((_, i) => (pre[sender(i)] = { balance: SENDER_BALANCE, nonce: '0x0' }));
  const w = toBatch({
    pre,
    txs: cases.map((c, i) => ({ from: sender(i), to: contract, nonce: '0x0', gas: quantity(600_000), ...FEES, value: '0x0', data: `0x${[...c, 16 * i].map((x) => x.toString(16).padStart(64, '0')).join('')}` as Hex })),
    gasBudget: 600_000n * BigInt(cases.length),
  });
  // auto routes transactions by its own rules: here only its result is checked.
  await expectEqualToReference(registry, w, 'auto');
  const r = await expectEqualToReference(registry, w, 'gpu');
  // Every transaction stores what it saw: none may run out of gas (the failing case's call fails, not its transaction).
  expect(r.results.map((x) => Number(x.status))).toEqual(cases.map(() => 1));
  expect(r.stats.engines).toEqual({ gpu: cases.length - 1, cpu: 1 });
  expect(speculation(r).hostPrecompiles).toBe(0);
}

describe('the identity precompile, run in the kernel', () => {
  // Empty input, unaligned lengths, output shorter and longer than the input, overlapping ranges, gas to the unit (15 + 3 per word).
  const cases = [[0, 0, 0, 32, 100], [3, 1, 40, 1, 100], [1, 31, 64, 64, 100], [5, 33, 0, 33, 100], [0, 100, 30, 100, 1000], [10, 70, 20, 10, 100], [7, 65, 90, 0, 100], [0, 64, 128, 64, 21], [0, 64, 128, 64, 20]];
  it('equals the reference case by case; a call short of its gas is left to the CPU', () => expectKernelPrecompile(IDENTITY_CONTRACT, IDENTITY_CALLER, cases, 100), 240_000);
});

// sha256 runs in the kernel too, over its input where it lies in memory: the same caller
// as identity's, over eight patterned words (256 bytes), calling 0x02. Lengths around
// SHA-256's block and padding edges (55, 56, 63, 64, 119, 120), unaligned offsets, an
// output range shorter and longer than the digest, gas to the unit.
const SHA256_CALLER = asm(`
  ${Array.from({ length: 8 }, (_, k) => `PUSH32 ${word(k)} PUSH2 ${32 * k} MSTORE`).join(' ')}
  PUSH1 0x60 CALLDATALOAD PUSH1 0x40 CALLDATALOAD PUSH1 0x20 CALLDATALOAD PUSH1 0 CALLDATALOAD PUSH1 0 PUSH1 2 PUSH1 0x80 CALLDATALOAD CALL PUSH1 0 PUSH1 0xa0 CALLDATALOAD ADD SSTORE
  RETURNDATASIZE PUSH1 1 PUSH1 0xa0 CALLDATALOAD ADD SSTORE
  PUSH1 0 MLOAD PUSH1 2 PUSH1 0xa0 CALLDATALOAD ADD SSTORE PUSH1 32 MLOAD PUSH1 3 PUSH1 0xa0 CALLDATALOAD ADD SSTORE PUSH1 64 MLOAD PUSH1 4 PUSH1 0xa0 CALLDATALOAD ADD SSTORE PUSH1 96 MLOAD PUSH1 5 PUSH1 0xa0 CALLDATALOAD ADD SSTORE PUSH1 128 MLOAD PUSH1 6 PUSH1 0xa0 CALLDATALOAD ADD SSTORE
  MSIZE PUSH1 7 PUSH1 0xa0 CALLDATALOAD ADD SSTORE
  RETURNDATASIZE PUSH1 0 PUSH2 300 RETURNDATACOPY PUSH2 300 MLOAD PUSH1 8 PUSH1 0xa0 CALLDATALOAD ADD SSTORE PUSH2 332 MLOAD PUSH1 9 PUSH1 0xa0 CALLDATALOAD ADD SSTORE
  GAS PUSH1 11 PUSH1 0xa0 CALLDATALOAD ADD SSTORE
  STOP
`);
const SHA256_CONTRACT: Hex = account(0x5a2, 0);

describe('the sha256 precompile, run in the kernel', () => {
  // 60 + 12 per word.
  const cases = [
    [0, 0, 0, 32, 60], [3, 1, 40, 1, 100], [1, 31, 64, 32, 100], [0, 55, 0, 32, 100], [2, 56, 0, 32, 100], [5, 63, 70, 32, 200],
    [0, 64, 128, 32, 200], [7, 65, 0, 20, 200], [0, 119, 0, 32, 200], [1, 120, 0, 32, 200], [9, 200, 0, 40, 1000], [31, 225, 250, 32, 1000],
    [0, 6, 0, 32, 100], [11, 102, 0, 32, 200],
    [0, 64, 128, 64, 84], [0, 64, 128, 64, 83],
  ];
  it('equals the reference case by case; a call short of its gas is left to the CPU', () => expectKernelPrecompile(SHA256_CONTRACT, SHA256_CALLER, cases, 200), 240_000);
});

// Counts in slot 0 and makes two precompile calls: ecrecover of zeros (the same input
// in every run), then ripemd160 of the count times calldata's word (0: the same input in
// every run; 1: an input that changes with the count). Results are stored.
const COUNTER = asm(`
  PUSH1 0 SLOAD DUP1 PUSH1 1 ADD PUSH1 0 SSTORE
  PUSH1 0 CALLDATALOAD MUL PUSH1 0 MSTORE
  PUSH1 32 PUSH1 224 PUSH1 128 PUSH1 96 PUSH1 1 GAS STATICCALL PUSH1 13 SSTORE
  PUSH1 32 PUSH1 32 PUSH1 32 PUSH1 0 PUSH1 3 GAS STATICCALL PUSH1 10 SSTORE
  PUSH1 32 MLOAD PUSH1 11 SSTORE STOP
`);

// Two transactions to the counter from two senders: the second reads what the first writes, so its frame is stale and reruns.
function counterBatch(varying: boolean): WireBatch {
  const senders = [account(0x5e, 3), account(0x5e, 4)];
  const pre: WireBatch['pre'] = { [CONTRACT]: { balance: '0x0', nonce: '0x1', code: bytesToHex(COUNTER) } };
  for (const s of senders) pre[s] = { balance: SENDER_BALANCE, nonce: '0x0' };
  const data = `0x${(varying ? 1 : 0).toString(16).padStart(64, '0')}` as Hex;
  return toBatch({
    pre,
    txs: senders.map((from) => ({ from, to: CONTRACT, nonce: '0x0', gas: quantity(200_000), ...FEES, value: '0x0', data })),
    gasBudget: 400_000n,
  });
}

describe("a rerun starts with its previous run's answers (the kernel compares each answer's input)", () => {
  it('gpu: inputs unchanged: the rerun wave needs no round of answers', async () => {
    const r = await expectEqualToReference(registry, counterBatch(false), 'gpu');
    expect(r.stats.engines).toEqual({ gpu: 2 });
    expect(speculation(r).perWave).toMatchObject([{ frames: 2, hostRounds: 2 }, { frames: 1, hostRounds: 0, submits: 1 }]);
    expect(speculation(r).hostPrecompiles).toBe(4);
  });

  it('gpu: the second input changed: only its answer is asked for again', async () => {
    const r = await expectEqualToReference(registry, counterBatch(true), 'gpu');
    expect(r.stats.engines).toEqual({ gpu: 2 });
    expect(speculation(r).perWave).toMatchObject([{ frames: 2, hostRounds: 2 }, { frames: 1, hostRounds: 1, submits: 2 }]);
    expect(speculation(r).hostPrecompiles).toBe(5);
  });
});
