import { RLP } from '@ethereumjs/rlp';
import { encodeReceipt, type TxReceipt } from '@ethereumjs/vm';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { cpuHasher, type BatchHasher } from './hasher.js';
import { orderedTrieRoot } from './ordered-trie.js';
import { rlpLogs, rlpReceipt } from './receipt-rlp.js';

/** Roots and hashes of a batch's receipts and logs, as block headers and state tests define them. */

/** Trie of RLP(index) -> receipt; typed receipts are prefixed with their type byte. */
export async function receiptsRoot(receipts: { receipt: TxReceipt; txType: number }[], hash: BatchHasher = cpuHasher): Promise<Uint8Array> {
  return orderedTrieRoot(receipts.map((r, i) => ({ key: RLP.encode(i), value: 'status' in r.receipt ? rlpReceipt(r.receipt as never, r.txType) : encodeReceipt(r.receipt, r.txType as 0) })), hash);
}

export function orBlooms(blooms: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(256);
  for (const b of blooms) for (let i = 0; i < 256; i++) out[i] |= b[i];
  return out;
}

/** keccak256(rlp([[address, [topics...], data], ...])): the state tests' `logs` hash. */
export function logsHash(logs: [Uint8Array, Uint8Array[], Uint8Array][]): Uint8Array {
  return keccak_256(rlpLogs(logs));
}
