import { KECCAK256_NULL } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { Account } from '../../src/model/shapes.js';
import type { SourceAccount, StateSource } from '../../src/model/state-source.js';

/** A state source over a whole pre-state held in memory: what a store would answer. */
export function mapSource(state: Map<string, Account>): StateSource & { reads: number } {
  const source = {
    reads: 0,
    account(addr: string): SourceAccount | undefined {
      source.reads++;
      const a = state.get(addr);
      return a && { nonce: a.nonce, balance: a.balance, code: a.code, codeHash: a.code.length === 0 ? KECCAK256_NULL : keccak_256(a.code) };
    },
    storage(addr: string, slot: bigint): bigint {
      source.reads++;
      return state.get(addr)?.storage.get(slot) ?? 0n;
    },
    nonZeroSlots(addr: string): number {
      source.reads++;
      return [...(state.get(addr)?.storage.values() ?? [])].filter((v) => v !== 0n).length;
    },
    *slots(addr: string): Iterable<[bigint, bigint]> {
      source.reads++;
      for (const e of state.get(addr)?.storage ?? []) if (e[1] !== 0n) yield e;
    },
  };
  return source;
}

/**
 * Part of a pre-state, as a chain's preload would give it: every `accountEvery`-th account,
 * and of those every slot but each `dropSlotEvery`-th, plus `zeros` listed zero slots
 * (a preload lists slots it found empty).
 */
export function partialPre(state: Map<string, Account>, o: { accountEvery: number; dropSlotEvery: number; zeros?: bigint[] }): Map<string, Account> {
  const out = new Map<string, Account>();
  let i = 0;
  for (const [addr, a] of state) {
    if (i++ % o.accountEvery !== 0) continue;
    const storage = new Map<bigint, bigint>();
    let j = 0;
    for (const [slot, v] of a.storage) if (j++ % o.dropSlotEvery !== 0) storage.set(slot, v);
    for (const z of o.zeros ?? []) if (!a.storage.has(z)) storage.set(z, 0n);
    out.set(addr, { ...a, storage });
  }
  return out;
}
