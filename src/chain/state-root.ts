import { RLP } from '@ethereumjs/rlp';
import { bigIntToUnpaddedBytes } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { hexToBytes } from '../wire/hex.js';
import { orderedTrieRoot, type TrieEntry } from './ordered-trie.js';
import { slotKey } from './recording-state.js';

/** One account of a complete state, with all of its non-zero slots. */
export interface StateAccount {
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
  storage: Map<bigint, bigint>;
}

/** The state root of a complete state (secure trie: keys are hashed addresses and slots). */
export function stateRootOf(accounts: Iterable<[addr: string, account: StateAccount]>): Uint8Array {
  const entries: TrieEntry[] = [];
  for (const [addr, a] of accounts) {
    entries.push({
      key: keccak_256(hexToBytes(addr)),
      value: RLP.encode([bigIntToUnpaddedBytes(a.nonce), bigIntToUnpaddedBytes(a.balance), storageRoot(a.storage), a.codeHash]),
    });
  }
  return orderedTrieRoot(entries);
}

function storageRoot(storage: Map<bigint, bigint>): Uint8Array {
  const entries: TrieEntry[] = [];
  for (const [slot, value] of storage) {
    if (value !== 0n) entries.push({ key: keccak_256(slotKey(slot)), value: RLP.encode(bigIntToUnpaddedBytes(value)) });
  }
  return orderedTrieRoot(entries);
}
