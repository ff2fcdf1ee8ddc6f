import { createVM } from '@ethereumjs/vm';
import { bigIntToBytes, bytesToBigInt, bytesToHex, createAddressFromString, setLengthLeft } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { useWordOps, wordScratch, wordValue } from '../../src/speculation/workers/word-ops.js';
import { asm } from '../gpu/asm.js';

const EDGES = [0n, 1n, 0xffn, (1n << 64n) - 1n, 1n << 64n, (1n << 128n) - 1n, 1n << 128n, (1n << 192n) + 5n, 1n << 255n, (1n << 256n) - 1n, 0x1234567890abcdef1234567890abcdef1234567890abcdefn];
const TO = createAddressFromString('0x00000000000000000000000000000000000000dd');

// Words at odd offsets (MSTORE over MSTORE), one log of each topic count, with and without data, words read back at
// odd offsets (MLOAD, past the end of memory too) and stored again, and the memory returned.
const word = (v: bigint) => `PUSH32 0x${v.toString(16).padStart(64, '0')}`;
const CODE = asm(`
  ${EDGES.map((v, k) => `${word(v)} PUSH1 ${3 * k} MSTORE`).join(' ')}
  PUSH1 0 PUSH1 0 LOG0
  ${word(EDGES[9])} PUSH1 5 PUSH1 7 LOG1
  ${word(EDGES[8])} ${word(EDGES[4])} PUSH1 0 PUSH1 40 LOG2
  ${word(EDGES[1])} ${word(EDGES[0])} ${word(EDGES[10])} PUSH1 33 PUSH1 1 LOG3
  ${word(EDGES[3])} ${word(EDGES[5])} ${word(EDGES[6])} ${word(EDGES[7])} PUSH2 300 PUSH1 2 LOG4
  ${[0, 1, 5, 17, 30, 64, 200, 4080].map((off, k) => `PUSH2 ${off} MLOAD PUSH2 ${1000 + 32 * k} MSTORE`).join(' ')}
  MSIZE PUSH1 0 RETURN
`);

async function run(fast: boolean) {
  const vm = await createVM();
  if (fast) expect(useWordOps(vm.evm)).toBe(true);
  const r = await vm.evm.runCall({ to: TO, code: CODE, gasLimit: 1_000_000n });
  const logs = (r.execResult.logs ?? []).map(([a, topics, data]) => [bytesToHex(a), topics.map((t) => bytesToHex(t)), bytesToHex(data)]);
  return { gas: r.execResult.executionGasUsed, error: r.execResult.exceptionError?.error, ret: bytesToHex(r.execResult.returnValue), logs };
}

describe("MSTORE and LOG without ethereumjs' word conversion (word-ops.ts)", () => {
  it('turns words into the bytes ethereumjs makes of them', () => {
    for (const v of EDGES) expect(wordScratch(v).slice()).toEqual(setLengthLeft(bigIntToBytes(v), 32));
    for (const v of EDGES) expect(wordValue(setLengthLeft(bigIntToBytes(v), 32))).toBe(bytesToBigInt(setLengthLeft(bigIntToBytes(v), 32)));
  });

  it('runs a contract as ethereumjs does: memory, logs, gas', async () => {
    const fast = await run(true);
    expect(fast).toEqual(await run(false));
    expect(fast.error).toBeUndefined();
    // Read after the run: topics sharing one array would all read as the last word written.
    expect(fast.logs.map(([, t]) => t.length)).toEqual([0, 1, 2, 3, 4]);
  });
});
