import { afterAll, describe, expect, it } from 'vitest';
import { closeGpu } from '../../src/gpu/device.js';
import { asm, diff, noMismatches, type Case } from './interpreter-harness.js';

/** Returns the top of the stack as 32 bytes. */
const ret = (body: string) => asm(`${body} PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN`);

describe('interpreter kernel: end to end', () => {
  afterAll(() => closeGpu());

  it('STOP, PUSH, arithmetic and RETURN match the reference', async () => {
    const cases: Case[] = [
      { name: 'STOP', code: asm('STOP') },
      { name: 'empty code', code: new Uint8Array(0) },
      { name: 'ADD', code: ret('PUSH 3 PUSH 5 ADD') },
      { name: 'SUB wraps', code: ret('PUSH 5 PUSH 3 SUB') },
      { name: 'MUL', code: ret('PUSH 0xffffffffffff PUSH 0xffffffffffffff MUL') },
      { name: 'DIV', code: ret('PUSH 7 PUSH 100 DIV') },
      { name: 'PUSH32', code: ret('PUSH32 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20') },
      { name: 'PUSH past end of code', code: asm('PUSH 1 PUSH 2 0x7f0102') },
      { name: 'RETURN empty', code: asm('PUSH 0 PUSH 0 RETURN') },
    ];
    const { mismatches } = await diff({ fork: 'Prague' }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
  });
});
