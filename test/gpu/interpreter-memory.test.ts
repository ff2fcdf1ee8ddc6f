import { afterAll, describe, expect, it } from 'vitest';
import { closeTestGpu } from '../support/gpu.js';
import { addr, asm, diff, noMismatches, type Case } from './interpreter-harness.js';

/** Returns `len` bytes of memory from `off`. */
const retMem = (off: number, len: number) => `PUSH ${len} PUSH ${off} RETURN`;
const BIG = 1n << 255n;
const M = (1n << 256n) - 1n;

describe('interpreter kernel: memory', () => {
  afterAll(() => closeTestGpu());

  it('MLOAD MSTORE MSTORE8 MSIZE at offsets 0, 1, 31, 32, 33, unaligned, with expansion gas', async () => {
    const cases: Case[] = [];
    for (const off of [0, 1, 3, 31, 32, 33, 63, 64, 1000, 4093]) {
      const from = Math.max(0, off - 8);
      cases.push({ name: `MSTORE at ${off}`, code: asm(`PUSH32 ${M - 5n} PUSH ${off} MSTORE MSIZE PUSH 0 MSTORE ${retMem(from, 48)}`) });
      cases.push({ name: `MSTORE8 at ${off}`, code: asm(`PUSH 0x1ab PUSH ${off} MSTORE8 MSIZE PUSH 1 MSTORE8 ${retMem(from, 12)}`) });
      cases.push({ name: `MLOAD at ${off}`, code: asm(`PUSH32 ${0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20n} PUSH 7 MSTORE PUSH ${off} MLOAD PUSH 0 MSTORE MSIZE PUSH 32 MSTORE ${retMem(0, 64)}`) });
    }
    cases.push({ name: 'MSIZE of fresh memory', code: asm(`MSIZE PUSH 0 MSTORE ${retMem(0, 32)}`) });
    cases.push({ name: 'MLOAD does not shrink memory', code: asm(`PUSH 1 PUSH 100 MSTORE PUSH 0 MLOAD POP MSIZE PUSH 0 MSTORE ${retMem(0, 32)}`) });
    const { mismatches } = await diff({ fork: 'Prague' }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
  });

  it('huge memory offsets and lengths run out of gas like the reference; zero-length accesses never expand', async () => {
    const cases: Case[] = [];
    for (const off of [1n << 32n, (1n << 32n) - 1n, 1n << 40n, 1n << 64n, BIG, M, 5_000_000n, 20_000_000n]) {
      cases.push({ name: `MLOAD at ${off}`, code: asm(`PUSH32 ${off} MLOAD STOP`) });
      cases.push({ name: `MSTORE at ${off}`, code: asm(`PUSH 1 PUSH32 ${off} MSTORE STOP`) });
      cases.push({ name: `MSTORE8 at ${off}`, code: asm(`PUSH 1 PUSH32 ${off} MSTORE8 STOP`) });
      cases.push({ name: `RETURN of ${off} bytes`, code: asm(`PUSH32 ${off} PUSH 0 RETURN`) });
      cases.push({ name: `RETURN at ${off} of 0 bytes`, code: asm(`PUSH 0 PUSH32 ${off} RETURN`) });
      cases.push({ name: `KECCAK256 of 0 bytes at ${off}`, code: asm(`PUSH 0 PUSH32 ${off} KECCAK256 PUSH 0 MSTORE ${retMem(0, 32)}`) });
      cases.push({ name: `CALLDATACOPY of ${off} bytes`, code: asm(`PUSH32 ${off} PUSH 0 PUSH 0 CALLDATACOPY STOP`) });
      cases.push({ name: `CALLDATACOPY of 0 bytes to ${off}`, code: asm(`PUSH 0 PUSH 0 PUSH32 ${off} CALLDATACOPY MSIZE PUSH 0 MSTORE ${retMem(0, 32)}`) });
      cases.push({ name: `MCOPY of 0 bytes at ${off}`, code: asm(`PUSH 0 PUSH32 ${off} PUSH32 ${off} MCOPY MSIZE PUSH 0 MSTORE ${retMem(0, 32)}`) });
      cases.push({ name: `LOG0 of ${off} bytes`, code: asm(`PUSH32 ${off} PUSH 0 LOG0 STOP`) });
    }
    // Memory that fits the gas but not a 64 KiB scratch slot: the executor must hand it back, never guess.
    cases.push({ name: 'expansion just affordable', code: asm('PUSH 1 PUSH 0xffe0 MSTORE STOP'), gas: 3n + 3n + 3n + 3n * 2048n + (2048n * 2048n) / 512n });
    cases.push({ name: 'expansion one gas short', code: asm('PUSH 1 PUSH 0xffe0 MSTORE STOP'), gas: 3n + 3n + 3n + 3n * 2048n + (2048n * 2048n) / 512n - 1n });
    const { mismatches } = await diff({ fork: 'Cancun' }, cases, { slots: [] });
    expect(noMismatches(mismatches)).toEqual([]);
  });

  it('MCOPY (EIP-5656): forward, backward and exact overlap, partial words, expansion by source or destination', async () => {
    const fill = 'PUSH32 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20 PUSH 0 MSTORE PUSH32 0x2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40 PUSH 32 MSTORE';
    const cases: Case[] = [];
    for (const [dst, src, n] of [
      [0, 0, 64], [1, 0, 40], [0, 1, 40], [5, 3, 17], [3, 5, 17], [32, 0, 64], [0, 32, 64], [7, 7, 9], [60, 2, 3], [2, 60, 3], [100, 0, 33], [0, 100, 33], [31, 1, 1],
    ]) {
      cases.push({ name: `MCOPY dst ${dst} src ${src} len ${n}`, code: asm(`${fill} PUSH ${n} PUSH ${src} PUSH ${dst} MCOPY MSIZE PUSH 200 MSTORE ${retMem(0, 232)}`) });
    }
    const { mismatches } = await diff({ fork: 'Cancun' }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
  });

  it('CALLDATALOAD, CALLDATACOPY, CODECOPY, EXTCODECOPY, RETURNDATACOPY: zero fill past the source, copy gas per word', async () => {
    const data = Uint8Array.from({ length: 45 }, (_, i) => i + 1);
    const other = addr(0xabcdef);
    const otherCode = Uint8Array.from({ length: 70 }, (_, i) => 255 - i);
    const cases: Case[] = [];
    for (const off of [0n, 1n, 13n, 44n, 45n, 46n, 1000n, 1n << 32n, M]) {
      cases.push({ name: `CALLDATALOAD ${off}`, data, code: asm(`PUSH32 ${off} CALLDATALOAD PUSH 0 MSTORE ${retMem(0, 32)}`) });
      for (const n of [0, 1, 5, 32, 33, 64]) {
        cases.push({ name: `CALLDATACOPY ${n} from ${off}`, data, code: asm(`PUSH 0 NOT PUSH 0 MSTORE PUSH ${n} PUSH32 ${off} PUSH 3 CALLDATACOPY ${retMem(0, 100)}`) });
        cases.push({ name: `CODECOPY ${n} from ${off}`, code: asm(`PUSH 0 NOT PUSH 0 MSTORE PUSH ${n} PUSH32 ${off} PUSH 5 CODECOPY ${retMem(0, 100)}`) });
        cases.push({
          name: `EXTCODECOPY ${n} from ${off} (warm)`, accounts: [{ address: other, code: otherCode, nonce: 1n }], warm: [other],
          code: asm(`PUSH 0 NOT PUSH 0 MSTORE PUSH ${n} PUSH32 ${off} PUSH 6 PUSH 0xabcdef EXTCODECOPY ${retMem(0, 100)}`),
        });
      }
    }
    cases.push({ name: 'CALLDATASIZE', data, code: asm(`CALLDATASIZE PUSH 0 MSTORE ${retMem(0, 32)}`) });
    cases.push({ name: 'CODESIZE', code: asm(`CODESIZE PUSH 0 MSTORE ${retMem(0, 32)}`) });
    cases.push({ name: 'EXTCODECOPY cold, of a missing account', code: asm(`PUSH 40 PUSH 0 PUSH 0 PUSH 0x999 EXTCODECOPY ${retMem(0, 40)}`) });
    cases.push({ name: 'EXTCODECOPY cold, zero length', accounts: [{ address: other, code: otherCode, nonce: 1n }], code: asm('PUSH 0 PUSH 0 PUSH 0 PUSH 0xabcdef EXTCODECOPY MSIZE STOP') });
    cases.push({ name: 'RETURNDATASIZE', code: asm(`RETURNDATASIZE PUSH 0 MSTORE ${retMem(0, 32)}`) });
    cases.push({ name: 'RETURNDATACOPY of nothing', code: asm(`PUSH 0 PUSH 0 PUSH 0 RETURNDATACOPY MSIZE PUSH 0 MSTORE ${retMem(0, 32)}`) });
    cases.push({ name: 'RETURNDATACOPY out of bounds (length)', code: asm('PUSH 1 PUSH 0 PUSH 0 RETURNDATACOPY STOP') });
    cases.push({ name: 'RETURNDATACOPY out of bounds (offset)', code: asm('PUSH 0 PUSH 1 PUSH 0 RETURNDATACOPY STOP') });
    const { mismatches } = await diff({ fork: 'Prague' }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
  });

  it('KECCAK256 over memory: empty, partial words, one and several rate blocks, with 6 gas per word', async () => {
    const cases: Case[] = [];
    const fill = Array.from({ length: 10 }, (_, i) => `PUSH32 ${(0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20n * BigInt(i + 3)) & M} PUSH ${32 * i} MSTORE`).join(' ');
    for (const [off, n] of [[0, 0], [0, 1], [0, 32], [3, 29], [1, 135], [0, 136], [0, 137], [5, 272], [7, 300], [300, 50]]) {
      cases.push({ name: `KECCAK256 ${n} bytes at ${off}`, code: asm(`${fill} PUSH ${n} PUSH ${off} KECCAK256 PUSH 0 MSTORE MSIZE PUSH 32 MSTORE ${retMem(0, 64)}`) });
    }
    const { mismatches } = await diff({ fork: 'Prague' }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
  });
});
