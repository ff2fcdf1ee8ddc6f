import { createVM } from '@ethereumjs/vm';
import { createAddressFromString, KECCAK256_NULL } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { cacheJumpAnalysis, jumpAnalysisCounts } from '../../src/speculation/workers/jump-analysis-cache.js';
import { WorldState } from '../../src/speculation/world-state.js';
import type { TxWrites } from '../../src/speculation/access-sets.js';

// A countdown loop from 3: JUMPDEST at 2, JUMPI back to it while the counter is not zero.
const TO = createAddressFromString('0x00000000000000000000000000000000000000dd');
const LOOP = Uint8Array.from([0x60, 0x03, 0x5b, 0x60, 0x01, 0x90, 0x03, 0x80, 0x60, 0x02, 0x57, 0x00]);

async function runTwice(cached: boolean) {
  const vm = await createVM();
  if (cached) expect(await cacheJumpAnalysis(vm.evm)).toBe(true);
  const out = [];
  for (let i = 0; i < 2; i++) {
    const r = await vm.evm.runCall({ to: TO, code: LOOP, gasLimit: 100_000n });
    out.push({ gas: r.execResult.executionGasUsed, error: r.execResult.exceptionError?.error });
  }
  return { vm, out };
}

describe('JUMPDEST analyses kept per code', () => {
  it('an EVM given the cache analyses a code once and runs it as ethereumjs does without it', async () => {
    const cached = await runTwice(true);
    const plain = await runTwice(false);
    expect(cached.out).toEqual(plain.out);
    expect(cached.out[0].error).toBeUndefined();
    // 3 * (JUMPDEST..JUMPI) + the first PUSH + STOP: a loop that really jumped.
    expect(cached.out[0].gas).toBeGreaterThan(50n);
    expect(jumpAnalysisCounts(cached.vm.evm)).toEqual({ analysed: 1, reused: 1 });
    expect(jumpAnalysisCounts(plain.vm.evm)).toBeUndefined();
  });

  it('a different array with the same bytes is analysed again (the key is the array, not its bytes)', async () => {
    const vm = await createVM();
    await cacheJumpAnalysis(vm.evm);
    await vm.evm.runCall({ to: TO, code: LOOP, gasLimit: 100_000n });
    await vm.evm.runCall({ to: TO, code: LOOP.slice(), gasLimit: 100_000n });
    expect(jumpAnalysisCounts(vm.evm)).toEqual({ analysed: 2, reused: 0 });
  });
});

describe('committed writes keep the code array the account holds', () => {
  const addr = '0x00000000000000000000000000000000000000cc';
  const code = Uint8Array.from([0x60, 0x00, 0x56, 0x5b]);

  function write(world: WorldState, c: Uint8Array, balance: bigint) {
    const w: TxWrites = { wiped: [], storage: [], accounts: [[addr, { nonce: 1n, balance, codeHash: c.length ? keccak_256(c) : KECCAK256_NULL, code: c }]] };
    world.apply(w, '0x00000000000000000000000000000000000000ee');
  }

  it('a copy of the same code (a write that crossed a thread) is swapped for the array already held', () => {
    const world = new WorldState(new Map([[addr, { balance: 5n, nonce: 1n, code, storage: new Map() }]]));
    write(world, code.slice(), 7n);
    expect(world.account(addr)!.code).toBe(code);
    expect(world.account(addr)!.balance).toBe(7n);
    write(world, code.slice(), 9n);
    expect(world.account(addr)!.code).toBe(code);
  });

  it('new code replaces it', () => {
    const world = new WorldState(new Map([[addr, { balance: 5n, nonce: 1n, code, storage: new Map() }]]));
    const other = Uint8Array.from([0x00]);
    write(world, other, 5n);
    expect(world.account(addr)!.code).toBe(other);
    expect(world.account(addr)!.codeHash).toEqual(keccak_256(other));
  });
});
