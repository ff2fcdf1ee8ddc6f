import type { StateDiff } from '../model/shapes.js';
import { cloneAlloc, type Alloc } from './alloc.js';

/**
 * The full post-state from the pre-state and the engine's diff (src/chain/state-diff.ts,
 * geth prestateTracer diffMode):
 * - an address in `post` exists afterwards; its listed fields replace the old ones
 *   (`post: {}` is an account that was created empty and kept, pre-EIP-161);
 * - an address in `pre` but not in `post` was deleted (self-destruct, EIP-161 sweep);
 * - a slot that changed to zero is listed only in `pre.storage` (post lists non-zero
 *   slots only), so every pre slot absent from post storage is now zero;
 * - a changed code field may be empty bytes (EIP-7702 delegation cleared).
 */
export function applyStateDiff(pre: Alloc, diff: StateDiff): Alloc {
  const post = cloneAlloc(pre);
  for (const addr of Object.keys(diff.pre)) {
    if (!(addr in diff.post)) post.delete(addr);
  }
  for (const [addr, d] of Object.entries(diff.post)) {
    const a = post.get(addr) ?? { balance: 0n, nonce: 0n, code: new Uint8Array(), storage: new Map<bigint, bigint>() };
    if (d.balance !== undefined) a.balance = d.balance;
    if (d.nonce !== undefined) a.nonce = d.nonce;
    if (d.code !== undefined) a.code = d.code;
    for (const slot of diff.pre[addr]?.storage?.keys() ?? []) {
      if (!d.storage?.has(slot)) a.storage.delete(slot);
    }
    for (const [slot, v] of d.storage ?? []) {
      if (v === 0n) a.storage.delete(slot);
      else a.storage.set(slot, v);
    }
    post.set(addr, a);
  }
  return post;
}

export interface Credit {
  address: string;
  amount: bigint;
}

/**
 * Balance increases after the last transaction (block and ommer rewards, withdrawals),
 * with geth's AddBalance semantics: the account is created if missing, even for a
 * zero amount, and from EIP-161 (Spurious Dragon) on a credited account that is still
 * empty is removed when the block is committed.
 */
export function applyCredits(alloc: Alloc, credits: Credit[], eip161: boolean): void {
  const touched = new Set<string>();
  for (const { address, amount } of credits) {
    let a = alloc.get(address);
    if (!a) {
      a = { balance: 0n, nonce: 0n, code: new Uint8Array(), storage: new Map() };
      alloc.set(address, a);
    }
    a.balance += amount;
    touched.add(address);
  }
  if (eip161) {
    for (const address of touched) {
      const a = alloc.get(address)!;
      if (a.balance === 0n && a.nonce === 0n && a.code.length === 0) alloc.delete(address);
    }
  }
}
