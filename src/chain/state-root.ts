import { hashSpans, cpuHasher, type BatchHasher } from './hasher.js';
import { orderedTrieRoot, type TrieEntry } from './ordered-trie.js';
import { writeScalar } from './rlp-write.js';

/** One account of a complete state, with all of its non-zero slots. */
export interface StateAccount {
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
  storage: Map<bigint, bigint>;
}

/**
 * The state root of a complete state (secure trie: keys are hashed addresses and slots).
 * Keys and leaf values are written into shared buffers and the keys hashed as spans of
 * one (a state of 10^5 accounts and 2·10^5 slots made a million small arrays before).
 */
export async function stateRootOf(accounts: Iterable<[addr: string, account: StateAccount]>, hash: BatchHasher = cpuHasher): Promise<Uint8Array> {
  const list = [...accounts];
  const slotCounts = new Int32Array(list.length);
  let slotCount = 0;
  list.forEach(([, a], i) => {
    for (const v of a.storage.values()) if (v !== 0n) slotCounts[i]++;
    slotCount += slotCounts[i];
  });
  // Every hashed key at once: account addresses (20 bytes), then each account's non-zero slots (32).
  const keyData = Buffer.alloc(20 * list.length + 32 * slotCount);
  const spans = new Uint32Array(2 * (list.length + slotCount));
  let o = 0;
  let j = 0;
  for (const [addr] of list) {
    keyData.write(addr.slice(2), o, 20, 'hex');
    spans[j++] = o;
    spans[j++] = 20;
    o += 20;
  }
  const values = new ScalarWriter(slotCount);
  for (const [, a] of list) {
    for (const [slot, value] of a.storage) {
      if (value === 0n) continue;
      keyData.write(slot.toString(16).padStart(64, '0'), o, 32, 'hex');
      spans[j++] = o;
      spans[j++] = 32;
      o += 32;
      values.add(value);
    }
  }
  const keys = await hashSpans(hash, keyData, spans);
  const key = (i: number) => keys.subarray(32 * i, 32 * i + 32);
  let k = list.length;
  let v = 0;
  const roots = await Promise.all(
    list.map((_, i) => {
      const entries: TrieEntry[] = new Array(slotCounts[i]);
      for (let s = 0; s < entries.length; s++) entries[s] = { key: key(k++), value: values.encoded(v++) };
      return orderedTrieRoot(entries, hash);
    }),
  );
  const leaves = Buffer.alloc(ACCOUNT_LEAF_MAX * list.length);
  return orderedTrieRoot(
    list.map(([, a], i) => ({ key: key(i), value: writeAccount(leaves, ACCOUNT_LEAF_MAX * i, a, roots[i]) })),
    hash,
  );
}

/** An account leaf's RLP: a list header of up to 2 bytes, then nonce and balance (up to 33 bytes each), storage root and code hash (33 each). */
const ACCOUNT_LEAF_MAX = 2 + 4 * 33;

/** Writes RLP([nonce, balance, storageRoot, codeHash]) into out[at, at + ACCOUNT_LEAF_MAX) and returns its bytes. */
function writeAccount(out: Buffer, at: number, a: StateAccount, storageRoot: Uint8Array): Uint8Array {
  let o = at + 2;
  o += writeScalar(out, o, a.nonce);
  o += writeScalar(out, o, a.balance);
  for (const word of [storageRoot, a.codeHash]) {
    out[o] = 0xa0;
    out.set(word, o + 1);
    o += 33;
  }
  const payload = o - at - 2;
  if (payload < 56) {
    out[at + 1] = 0xc0 + payload;
    return out.subarray(at + 1, o);
  }
  out[at] = 0xf8;
  out[at + 1] = payload;
  return out.subarray(at, o);
}

/** RLP of many non-negative integers (big-endian, no leading zeros) in one buffer, each read back as a view. */
class ScalarWriter {
  private readonly data: Buffer;
  private readonly at: Uint32Array;
  private length = 0;
  private count = 0;

  constructor(capacity: number) {
    // At most a 1-byte header and 32 bytes a word.
    this.data = Buffer.alloc(33 * capacity);
    this.at = new Uint32Array(capacity + 1);
  }

  add(v: bigint): void {
    this.length += writeScalar(this.data, this.length, v);
    this.at[++this.count] = this.length;
  }

  encoded(i: number): Uint8Array {
    return this.data.subarray(this.at[i], this.at[i + 1]);
  }
}

