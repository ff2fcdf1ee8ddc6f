import { KECCAK256_NULL } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { StateDiff } from '../model/shapes.js';
import { bytesToBigint } from '../primitives/hex.js';
import {
  accountLeaf, addressKey, slotBytes, slotLeaf, type AccountRecord, type ReverseDiff,
} from './records.js';
import type { ChainState } from './state.js';
import { EMPTY_TRIE_ROOT, Trie, type NodeCache, type NodeReader } from './trie.js';
import { codeHash as codeHashOf } from '../primitives/code-hash.js';

/**
 * What a block does to the stored state, from its state diff alone (src/chain/state-diff.ts:
 * exact, and complete for deleted accounts, whose every slot it lists): the new account
 * records and slots, new code, the storage tries and the account trie updated once for
 * the whole block, and the reverse diff (each account record and slot as it was).
 */
export interface BlockChanges {
  /** New account records; undefined: deleted. */
  accounts: [addr: string, record: AccountRecord | undefined][];
  slots: [addr: string, slot: bigint, value: bigint][];
  codes: [hash: Uint8Array, code: Uint8Array][];
  nodes: [hash: Uint8Array, bytes: Uint8Array][];
  undo: ReverseDiff;
  stateRoot: Uint8Array;
  /** Milliseconds: deriving the records, and updating the tries. */
  ms: { state: number; trie: number };
}

export function blockChanges(state: ChainState, nodes: NodeReader, cache: NodeCache, root: Uint8Array, number: bigint, diff: StateDiff): BlockChanges {
  const out: BlockChanges = { accounts: [], slots: [], codes: [], nodes: [], undo: { accounts: [], slots: [] }, stateRoot: root, ms: { state: 0, trie: 0 } };
  const accountTrie = new Trie(nodes, root, cache);
  const addrs = [...new Set([...Object.keys(diff.pre), ...Object.keys(diff.post)])].sort();
  for (const addr of addrs) {
    let t = performance.now();
    const prior = state.record(addr);
    const pre = diff.pre[addr];
    const post = diff.post[addr];
    const a = addressKey(addr);
    out.undo.accounts.push([a, prior]);
    // A slot listed in pre and not in post is now zero; post lists the non-zero ones.
    const before = new Map<bigint, bigint>();
    const after = new Map<bigint, bigint>();
    for (const [k, v] of Object.entries(pre?.storage ?? {})) {
      before.set(BigInt(k), bytesToBigint(v));
      after.set(BigInt(k), 0n);
    }
    for (const [k, v] of Object.entries(post?.storage ?? {})) after.set(BigInt(k), bytesToBigint(v));
    let count = prior?.slots ?? 0;
    for (const [slot, v] of after) {
      const was = before.get(slot) ?? 0n;
      out.slots.push([addr, slot, v]);
      out.undo.slots.push([a, slot, was]);
      if (was !== 0n) count--;
      if (v !== 0n) count++;
    }
    out.ms.state += performance.now() - t;
    t = performance.now();
    if (!post) {
      out.accounts.push([addr, undefined]);
      accountTrie.put(keccak_256(a), undefined);
      out.ms.trie += performance.now() - t;
      continue;
    }
    let storageRoot = prior?.storageRoot ?? EMPTY_TRIE_ROOT;
    if (after.size > 0) {
      const trie = new Trie(nodes, storageRoot, cache);
      for (const [slot, v] of after) trie.put(keccak_256(slotBytes(slot)), v === 0n ? undefined : slotLeaf(v));
      const u = trie.commit();
      storageRoot = u.root;
      for (const n of u.nodes) out.nodes.push(n);
    }
    let codeHash = prior?.codeHash ?? KECCAK256_NULL;
    if (post.code !== undefined) {
      codeHash = codeHashOf(post.code);
      if (post.code.length > 0) out.codes.push([codeHash, post.code]);
    }
    const record: AccountRecord = { nonce: post.nonce ?? prior?.nonce ?? 0n, balance: post.balance ?? prior?.balance ?? 0n, codeHash, storageRoot, slots: count };
    out.accounts.push([addr, record]);
    accountTrie.put(keccak_256(a), accountLeaf(record));
    out.ms.trie += performance.now() - t;
  }
  const t = performance.now();
  const u = accountTrie.commit();
  for (const n of u.nodes) out.nodes.push(n);
  out.stateRoot = u.root;
  out.ms.trie += performance.now() - t;
  return out;
}
