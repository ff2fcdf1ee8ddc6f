import { RLP } from '@ethereumjs/rlp';
import { bigIntToUnpaddedBytes } from '@ethereumjs/util';
import { hexToBytes } from '../primitives/hex.js';
import { cpuHasher, type BatchHasher } from './hasher.js';
import { orderedTrieRoot } from './ordered-trie.js';
import { slotKey } from './recording-state.js';

/** One account of a complete state, with all of its non-zero slots. */
export interface StateAccount {
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
  storage: Map<bigint, bigint>;
}

/** The state root of a complete state (secure trie: keys are hashed addresses and slots). */
export async function stateRootOf(accounts: Iterable<[addr: string, account: StateAccount]>, hash: BatchHasher = cpuHasher): Promise<Uint8Array> {
  const list = [...accounts];
  // Every hashed key at once: account addresses, then each account's non-zero slots.
  const keyInputs: Uint8Array[] = list.map(([addr]) => hexToBytes(addr));
  const slotLists = list.map(([, a]) => [...a.storage].filter(([, v]) => v !== 0n));
  for (const slots of slotLists) for (const [slot] of slots) keyInputs.push(slotKey(slot));
  const keys = await hash(keyInputs);
  let k = list.length;
  const roots = await Promise.all(
    slotLists.map((slots) => orderedTrieRoot(slots.map(([, value]) => ({ key: keys[k++], value: RLP.encode(bigIntToUnpaddedBytes(value)) })), hash)),
  );
  return orderedTrieRoot(
    list.map(([, a], i) => ({
      key: keys[i],
      value: RLP.encode([bigIntToUnpaddedBytes(a.nonce), bigIntToUnpaddedBytes(a.balance), roots[i], a.codeHash]),
    })),
    hash,
  );
}
