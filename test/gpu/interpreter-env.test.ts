import { keccak_256 } from '@noble/hashes/sha3.js';
import { afterAll, describe, expect, it } from 'vitest';
import { closeTestGpu } from '../support/gpu.js';
import { addr, asm, diff, noMismatches, type Case } from './interpreter-harness.js';

/** Runs `body`, which leaves one word on the stack, and returns that word. */
const ret = (body: string) => asm(`${body} PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN`);
const M = (1n << 256n) - 1n;

describe('interpreter kernel: environment and block opcodes', () => {
  afterAll(() => closeTestGpu());

  it('ADDRESS ORIGIN CALLER CALLVALUE GASPRICE CODESIZE CALLDATASIZE', async () => {
    const cases: Case[] = [
      { name: 'ADDRESS', code: ret('ADDRESS') },
      { name: 'ORIGIN', code: ret('ORIGIN') },
      { name: 'CALLER', code: ret('CALLER') },
      { name: 'CALLVALUE', code: ret('CALLVALUE'), value: 12345n },
      { name: 'CALLVALUE zero', code: ret('CALLVALUE') },
      { name: 'GASPRICE', code: ret('GASPRICE'), gasPrice: 0x1234567890n },
      { name: 'CODESIZE', code: ret('CODESIZE') },
      { name: 'CALLDATASIZE', code: ret('CALLDATASIZE'), data: new Uint8Array(77) },
    ];
    const { mismatches } = await diff({ fork: 'Prague' }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
  });

  it('BALANCE EXTCODESIZE EXTCODEHASH SELFBALANCE: cold 2600, warm 100 (EIP-2929), empty accounts hash to 0 (EIP-1052)', async () => {
    const rich = addr(0x1111);
    const contract = addr(0x2222);
    const emptyButNonce = addr(0x3333);
    const eof = addr(0x4444);
    const accounts = [
      { address: rich, balance: 10n ** 20n },
      { address: contract, balance: 5n, nonce: 1n, code: asm('PUSH 1 PUSH 2 ADD STOP') },
      { address: emptyButNonce, nonce: 1n },
      { address: eof, nonce: 1n, code: Uint8Array.from([0xef, 0x00, 0x01, 0x02, 0x03]) },
      { address: addr(0x5555) }, // present but empty
    ];
    const cases: Case[] = [];
    for (const [label, a] of [['rich', 0x1111], ['contract', 0x2222], ['nonce only', 0x3333], ['EOF code', 0x4444], ['empty', 0x5555], ['absent', 0x6666]] as const) {
      for (const op of ['BALANCE', 'EXTCODESIZE', 'EXTCODEHASH']) {
        cases.push({ name: `${op} ${label} cold`, accounts, code: ret(`PUSH ${a} ${op}`) });
        cases.push({ name: `${op} ${label} warm (access list)`, accounts, warm: [addr(a)], code: ret(`PUSH ${a} ${op}`) });
        cases.push({ name: `${op} ${label} twice (cold then warm)`, accounts, code: ret(`PUSH ${a} ${op} PUSH ${a} ${op} ADD`) });
        cases.push({ name: `${op} ${label}, high address bits ignored`, accounts, code: ret(`PUSH32 ${(M << 160n) & M | BigInt(a)} ${op}`) });
      }
    }
    cases.push({ name: 'BALANCE of self', accounts, balance: 777n, code: ret('ADDRESS BALANCE') });
    cases.push({ name: 'SELFBALANCE', accounts, balance: 777n, code: ret('SELFBALANCE') });
    cases.push({ name: 'SELFBALANCE with value', accounts, balance: 777n, value: 23n, code: ret('SELFBALANCE') });
    cases.push({ name: 'EXTCODESIZE of self', accounts, code: ret('ADDRESS EXTCODESIZE') });
    cases.push({ name: 'EXTCODEHASH of self', accounts, code: ret('ADDRESS EXTCODEHASH') });
    cases.push({ name: 'BALANCE cold, out of gas by one', accounts, code: asm('PUSH 0x1111 BALANCE STOP'), gas: 3n + 2599n });
    cases.push({ name: 'BALANCE cold, exact gas', accounts, code: asm('PUSH 0x1111 BALANCE STOP'), gas: 3n + 2600n });
    cases.push({ name: 'EXTCODECOPY cold: access, copy and memory in one charge', accounts, code: asm('PUSH 64 PUSH 0 PUSH 0 PUSH 0x2222 EXTCODECOPY STOP'), gas: 12n + 2600n + 6n + 6n - 1n });
    const { mismatches } = await diff({ fork: 'Prague' }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
  });

  it('COINBASE TIMESTAMP NUMBER PREVRANDAO GASLIMIT CHAINID BASEFEE BLOBBASEFEE', async () => {
    const ops = ['COINBASE', 'TIMESTAMP', 'NUMBER', 'PREVRANDAO', 'GASLIMIT', 'CHAINID', 'BASEFEE', 'BLOBBASEFEE'];
    const cases = ops.map((op): Case => ({ name: op, code: ret(op) }));
    const env = { number: 123456n, timestamp: 1_750_000_000n, gasLimit: 36_000_000n, chainId: 17n, baseFee: 999n, prevRandao: 0xdeadbeefn << 200n, excessBlobGas: 10_000_000n, coinbase: addr(0xc0ffee) };
    for (const fork of ['Cancun', 'Prague'] as const) {
      const { mismatches } = await diff({ fork, ...env }, cases);
      expect(noMismatches(mismatches)).toEqual([]);
    }
    // Before Cancun BLOBBASEFEE is undefined; before Paris 0x44 is DIFFICULTY.
    const { mismatches } = await diff({ fork: 'London', ...env }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
  });

  it('BLOCKHASH: the 256-block window, zero outside it and for unknown numbers', async () => {
    const number = 1000n;
    const blockHashes = new Map<bigint, Uint8Array>();
    for (let n = 700n; n < 1000n; n++) if (n % 7n !== 0n) blockHashes.set(n, keccak_256(new TextEncoder().encode(`block ${n}`)));
    const cases: Case[] = [];
    for (const n of [0n, 743n, 744n, 745n, 800n, 805n, 998n, 999n, 1000n, 1001n, M, 1n << 64n]) cases.push({ name: `BLOCKHASH ${n}`, code: ret(`PUSH32 ${n} BLOCKHASH`) });
    const { mismatches } = await diff({ fork: 'Cancun', number, blockHashes }, cases);
    expect(noMismatches(mismatches)).toEqual([]);
    const early = await diff({ fork: 'Cancun', number: 5n, blockHashes: new Map([[0n, keccak_256(Uint8Array.of(0))], [4n, keccak_256(Uint8Array.of(4))]]) }, [0n, 3n, 4n, 5n].map((n) => ({ name: `BLOCKHASH ${n} at block 5`, code: ret(`PUSH ${n} BLOCKHASH`) })));
    expect(noMismatches(early.mismatches)).toEqual([]);
  });

  it('BLOBHASH (EIP-4844): in range, out of range, huge index; undefined before Cancun', async () => {
    const blobHashes = [1, 2, 3].map((i) => Uint8Array.from([1, ...keccak_256(Uint8Array.of(i)).slice(1)]));
    const cases: Case[] = [];
    for (const i of [0n, 1n, 2n, 3n, 1000n, 1n << 32n, M]) cases.push({ name: `BLOBHASH ${i}`, blobHashes, code: ret(`PUSH32 ${i} BLOBHASH`) });
    cases.push({ name: 'BLOBHASH with no blobs', code: ret('PUSH 0 BLOBHASH') });
    for (const fork of ['Shanghai', 'Cancun', 'Prague'] as const) {
      const { mismatches } = await diff({ fork }, cases);
      expect(noMismatches(mismatches)).toEqual([]);
    }
  });
});
