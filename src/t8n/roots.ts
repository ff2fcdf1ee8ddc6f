import { MerklePatriciaTrie } from '@ethereumjs/mpt';
import { RLP } from '@ethereumjs/rlp';
import { bigIntToUnpaddedBytes } from '@ethereumjs/util';

/** Block-body roots geth's t8n reports besides the state and receipts roots. */

/** Index-keyed trie (rlp(i) -> item), as DeriveSha builds the tx and withdrawals roots. */
export async function indexTrieRoot(items: Uint8Array[]): Promise<Uint8Array> {
  const trie = new MerklePatriciaTrie();
  for (let i = 0; i < items.length; i++) await trie.put(RLP.encode(i), items[i]);
  return trie.root();
}

export interface Withdrawal {
  index: bigint;
  validatorIndex: bigint;
  address: Uint8Array;
  /** In gwei. */
  amount: bigint;
}

export function encodeWithdrawal(w: Withdrawal): Uint8Array {
  return RLP.encode([bigIntToUnpaddedBytes(w.index), bigIntToUnpaddedBytes(w.validatorIndex), w.address, bigIntToUnpaddedBytes(w.amount)]);
}

/** The block body's transaction list, as `--output.body` writes it: typed txs as byte strings, legacy ones as lists. */
export function encodeTxList(raws: Uint8Array[]): Uint8Array {
  return RLP.encode(raws.map((raw) => (raw.length > 0 && raw[0] >= 0xc0 ? (RLP.decode(raw) as Uint8Array[]) : raw)));
}
