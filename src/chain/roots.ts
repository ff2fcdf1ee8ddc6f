import { encodeReceipt, type TxReceipt } from '@ethereumjs/vm';
import { keccak256 } from '../primitives/keccak.js';
import { cpuHasher, type BatchHasher } from './hasher.js';
import { orderedTrieRoot } from './ordered-trie.js';
import { receiptSize, rlpLogs, writeReceipt } from './receipt-rlp.js';
import { writeUint } from './rlp-write.js';

/** Roots and hashes of a batch's receipts and logs, as block headers and state tests define them. */

/**
 * Trie of RLP(index) -> receipt; typed receipts are prefixed with their type byte.
 * Receipts from Byzantium on, and the keys, are written into one buffer each (views as
 * the trie's entries): an array of its own per receipt was a backing store each.
 */
export async function receiptsRoot(receipts: { receipt: TxReceipt; txType: number }[], hash: BatchHasher = cpuHasher): Promise<Uint8Array> {
  const post = (r: TxReceipt): r is TxReceipt & { status: 0 | 1 } => 'status' in r;
  let size = 0;
  for (const r of receipts) if (post(r.receipt)) size += receiptSize(r.receipt, r.txType);
  const values = new Uint8Array(size);
  const keys = new Uint8Array(MAX_INDEX_KEY * receipts.length);
  let o = 0;
  const entries = receipts.map((r, i) => {
    const key = keys.subarray(MAX_INDEX_KEY * i, writeUint(keys, MAX_INDEX_KEY * i, i));
    if (!post(r.receipt)) return { key, value: encodeReceipt(r.receipt, r.txType as 0) };
    const end = writeReceipt(values, o, r.receipt, r.txType);
    const value = values.subarray(o, end);
    o = end;
    return { key, value };
  });
  return orderedTrieRoot(entries, hash);
}

/** RLP of an index below 2^32: a header byte and up to four bytes. */
const MAX_INDEX_KEY = 5;

export function orBlooms(blooms: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(256);
  for (const b of blooms) for (let i = 0; i < 256; i++) out[i] |= b[i];
  return out;
}

/** keccak256(rlp([[address, [topics...], data], ...])): the state tests' `logs` hash. */
export function logsHash(logs: [Uint8Array, Uint8Array[], Uint8Array][]): Uint8Array {
  return keccak256(rlpLogs(logs));
}
