import { createBlock } from '@ethereumjs/block';
import { createEVM } from '@ethereumjs/evm';
import { Account, createAddressFromString } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { makeCommon } from '../../src/chain/common.js';
import { analyzeCode, isJumpdest } from '../../src/evm/code-analysis.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

describe('code analysis', () => {
  it('marks JUMPDESTs but not 0x5b bytes inside PUSH data', () => {
    // PUSH2 0x5b5b, JUMPDEST, PUSH1 0x5b, JUMPDEST, STOP
    const a = analyzeCode(hex('615b5b5b605b5b00'), 'Prague');
    expect([0, 1, 2, 3, 4, 5, 6, 7].filter((i) => isJumpdest(a.jumpdests, i))).toEqual([3, 6]);
  });

  it('treats PUSH data running past the end of code as data', () => {
    const a = analyzeCode(hex('5b7f5b5b'), 'Prague');
    expect([0, 1, 2, 3].filter((i) => isJumpdest(a.jumpdests, i))).toEqual([0]);
    expect(isJumpdest(a.jumpdests, 1000)).toBe(false);
  });

  it('splits blocks at JUMPDEST, after JUMP/JUMPI and terminators, with gas and stack bounds', () => {
    // PUSH1 1, PUSH1 2, ADD, PUSH1 9, JUMPI | JUMPDEST, POP, POP, STOP
    const a = analyzeCode(hex('60016002016009575b505000'), 'Prague');
    expect(a.blocks).toEqual([
      { start: 0, end: 8, staticGas: 3 + 3 + 3 + 3 + 10, stackRequired: 0, stackMaxGrowth: 2, stackChange: 0 },
      { start: 8, end: 12, staticGas: 1 + 2 + 2 + 0, stackRequired: 2, stackMaxGrowth: 0, stackChange: -2 },
    ]);
    expect(a.usesFrames).toBe(false);
  });

  it('charges undefined opcodes nothing and ends the block there; forks decide what is defined', () => {
    // PUSH0 is undefined before Shanghai.
    expect(analyzeCode(hex('5f5f01'), 'Paris').blocks[0]).toMatchObject({ start: 0, end: 1, staticGas: 0 });
    expect(analyzeCode(hex('5f5f01'), 'Shanghai').blocks[0]).toMatchObject({ start: 0, end: 3, staticGas: 7, stackMaxGrowth: 2, stackChange: 1 });
  });

  it('flags code that needs the host', () => {
    expect(analyzeCode(hex('60006000600060006000335af100'), 'Prague').usesFrames).toBe(true);
    expect(analyzeCode(hex('6000ff'), 'Prague').usesFrames).toBe(true);
  });

  it('agrees with @ethereumjs/evm on which jump targets are valid, for random code', async () => {
    const common = makeCommon('Prague', 1n);
    const to = createAddressFromString('0x00000000000000000000000000000000000000c0');
    const block = createBlock({ header: { baseFeePerGas: 7n, excessBlobGas: 0n, gasLimit: 30_000_000n } }, { common });
    const evm = await createEVM({ common });
    await evm.stateManager.putAccount(to, new Account());
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) & 0xff;
    for (let round = 0; round < 40; round++) {
      // Bias towards PUSHn and JUMPDEST so data/opcode boundaries get exercised.
      const body = Uint8Array.from({ length: 48 }, () => [0x5b, 0x60 + (rnd() & 31), rnd()][rnd() % 3]);
      const analysis = analyzeCode(body, 'Prague');
      for (let t = 0; t < body.length; t++) {
        // PUSH2 (t + 4), JUMP, then the body: the prefix is 4 whole opcodes, so offsets in body shift by 4.
        const code = new Uint8Array([0x61, (t + 4) >> 8, (t + 4) & 0xff, 0x56, ...body]);
        const r = await evm.runCode({ code, gasLimit: 100_000n, block, to });
        const refValid = !/^invalid JUMP at .*:3$/.test(r.exceptionError?.error ?? '');
        expect(isJumpdest(analysis.jumpdests, t), `seed round ${round} target ${t} code ${Buffer.from(body).toString('hex')}`).toBe(refValid);
      }
    }
  });
});
