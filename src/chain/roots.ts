import { encodeReceipt, type TxReceipt } from '@ethereumjs/vm';
import { keccak256 } from '../primitives/keccak.js';
import { cpuHasher, type BatchHasher } from './hasher.js';
import { orderedTrieRoot, type WrittenValue } from './ordered-trie.js';
import { receiptSize, rlpLogs, writeReceipt, type PostByzantiumReceipt } from './receipt-rlp.js';
import { writeUint } from './rlp-write.js';

/** Roots and hashes of a batch's receipts and logs, as block headers and state tests define them. */

/**
 * Trie of RLP(index) -> receipt; typed receipts are prefixed with their type byte.
 * The keys are written into one buffer (views as the trie's entries), and receipts
 * from Byzantium on by the trie, straight into their leaves (ordered-trie.ts:
 * WrittenValue): an array of its own per receipt was a backing store each, and one
 * buffer of them all 43 MB for 100k receipts.
 */
export async function receiptsRoot(receipts: { receipt: TxReceipt; txType: number }[], hash: BatchHasher = cpuHasher): Promise<Uint8Array> {
  const keys = new Uint8Array(MAX_INDEX_KEY * receipts.length);
  const entries = receipts.map((r, i) => {
    const key = keys.subarray(MAX_INDEX_KEY * i, writeUint(keys, MAX_INDEX_KEY * i, i));
    if (!('status' in r.receipt)) return { key, value: encodeReceipt(r.receipt, r.txType as 0) };
    return { key, value: new ReceiptValue(r.receipt, r.txType) };
  });
  return orderedTrieRoot(entries, hash);
}

/** A post-Byzantium receipt as its leaf's value: sized now, written when its leaf is. */
class ReceiptValue implements WrittenValue {
  readonly length: number;

  constructor(
    private readonly receipt: PostByzantiumReceipt,
    private readonly txType: number,
  ) {
    this.length = receiptSize(receipt, txType);
  }

  write(out: Uint8Array, o: number): void {
    writeReceipt(out, o, this.receipt, this.txType);
  }
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
