import { MerklePatriciaTrie } from '@ethereumjs/mpt';
import { RLP } from '@ethereumjs/rlp';
import { bigIntToUnpaddedBytes, KECCAK256_NULL } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bigintToBytes32, hexToBytes } from '../wire/hex.js';
import type { Alloc } from './alloc.js';

/**
 * The state root of a whole alloc, built from scratch: the secure account trie
 * (keccak(address) -> rlp[nonce, balance, storageRoot, codeHash]) over secure storage
 * tries (keccak(slot) -> rlp(value)). t8n needs it because block rewards and
 * withdrawals are applied after the engine has computed its own root.
 */
export async function storageRoot(storage: Map<bigint, bigint>): Promise<Uint8Array> {
  const trie = new MerklePatriciaTrie({ useKeyHashing: true });
  for (const [slot, value] of storage) {
    if (value !== 0n) await trie.put(bigintToBytes32(slot), RLP.encode(bigIntToUnpaddedBytes(value)));
  }
  return trie.root();
}

export async function allocStateRoot(alloc: Alloc): Promise<Uint8Array> {
  const trie = new MerklePatriciaTrie({ useKeyHashing: true });
  for (const [addr, a] of alloc) {
    const account = RLP.encode([
      bigIntToUnpaddedBytes(a.nonce),
      bigIntToUnpaddedBytes(a.balance),
      await storageRoot(a.storage),
      a.code.length ? keccak_256(a.code) : KECCAK256_NULL,
    ]);
    await trie.put(hexToBytes(addr), account);
  }
  return trie.root();
}
