import { KECCAK256_NULL } from '@ethereumjs/util';
import { cpuHasher, type BatchHasher } from '../chain/hasher.js';
import type { StateDiff } from '../model/shapes.js';
import { addressKey, type AccountRecord, type ReverseDiff } from './records.js';
import type { ChainState } from './state.js';
import { EMPTY_TRIE_ROOT, type NodeCache, type NodeReader } from './trie.js';
import { updateTries, type AccountUpdate } from './trie-update.js';
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

export async function blockChanges(state: ChainState, nodes: NodeReader, cache: NodeCache, root: Uint8Array, number: bigint, diff: StateDiff, hash: BatchHasher = cpuHasher): Promise<BlockChanges> {
  const out: BlockChanges = { accounts: [], slots: [], codes: [], nodes: [], undo: { accounts: [], slots: [] }, stateRoot: root, ms: { state: 0, trie: 0 } };
  let t = performance.now();
  const addrs = [...new Set([...Object.keys(diff.pre), ...Object.keys(diff.post)])].sort();
  const changed = addrs.map((addr) => {
    const prior = state.record(addr);
    const pre = diff.pre[addr];
    const post = diff.post[addr];
    const a = addressKey(addr);
    out.undo.accounts.push([a, prior]);
    // A slot listed in pre and not in post is now zero; post lists the non-zero ones.
    const before = new Map<bigint, bigint>();
    const after = new Map<bigint, bigint>();
    for (const [slot, v] of pre?.storage ?? []) {
      before.set(slot, v);
      after.set(slot, 0n);
    }
    for (const [slot, v] of post?.storage ?? []) after.set(slot, v);
    let count = prior?.slots ?? 0;
    for (const [slot, v] of after) {
      const was = before.get(slot) ?? 0n;
      out.slots.push([addr, slot, v]);
      out.undo.slots.push([a, slot, was]);
      if (was !== 0n) count--;
      if (v !== 0n) count++;
    }
    return { addr, a, prior, post, after, count };
  });
  out.ms.state += performance.now() - t;

  t = performance.now();
  const updates: AccountUpdate[] = changed.map((c) => ({
    a: c.a,
    storageRoot: c.prior?.storageRoot ?? EMPTY_TRIE_ROOT,
    ...(c.post ? { slots: [...c.after] } : {}),
    record: (storageRoot) => {
      if (!c.post) return undefined;
      let codeHash = c.prior?.codeHash ?? KECCAK256_NULL;
      if (c.post.code !== undefined) {
        codeHash = codeHashOf(c.post.code);
        if (c.post.code.length > 0) out.codes.push([codeHash, c.post.code]);
      }
      return { nonce: c.post.nonce ?? c.prior?.nonce ?? 0n, balance: c.post.balance ?? c.prior?.balance ?? 0n, codeHash, storageRoot, slots: c.count };
    },
  }));
  const u = await updateTries(nodes, cache, root, updates, hash);
  changed.forEach((c, i) => out.accounts.push([c.addr, u.records[i]]));
  out.nodes = u.nodes;
  out.stateRoot = u.stateRoot;
  out.ms.trie += performance.now() - t;
  return out;
}
