import type { BatchHasher } from '../chain/hasher.js';
import { accountLeaf, slotBytes, slotLeaf, type AccountRecord } from './records.js';
import { commitTries, Trie, type NodeCache, type NodeReader } from './trie.js';

/**
 * One block's changes applied to the stored tries: each changed account's storage trie,
 * then the account trie, every node hashed once for the block (commitTries). A block
 * applied (block-state.ts) and a block whose nodes a crash left unwritten
 * (restore-nodes.ts) both come here, so the two cannot disagree.
 */
export interface AccountUpdate {
  /** The account's 20-byte address key. */
  a: Uint8Array;
  /** Its storage root before the block. */
  storageRoot: Uint8Array;
  /** Slots the block changed, with their new values (zero: cleared). Absent or empty: storage untouched. */
  slots?: [slot: bigint, value: bigint][];
  /** The account's record after the block, given its storage root after it; undefined: the account is gone. */
  record(storageRoot: Uint8Array): AccountRecord | undefined;
}

export interface TriesUpdated {
  stateRoot: Uint8Array;
  /** Each update's new record, in the updates' order. */
  records: (AccountRecord | undefined)[];
  /** The new nodes to store, [hash, encoding]. */
  nodes: [hash: Uint8Array, bytes: Uint8Array][];
}

export async function updateTries(reader: NodeReader, cache: NodeCache, root: Uint8Array, updates: AccountUpdate[], hash: BatchHasher): Promise<TriesUpdated> {
  // Every trie key in one batch: the hashed addresses, then the hashed slots.
  const keyInputs = updates.map((u) => u.a);
  for (const u of updates) for (const [slot] of u.slots ?? []) keyInputs.push(slotBytes(slot));
  const keys = await hash(keyInputs);
  let k = updates.length;
  const storage = new Map<AccountUpdate, Trie>();
  for (const u of updates) {
    if (!u.slots?.length) continue;
    const trie = new Trie(reader, u.storageRoot, cache);
    for (const [, v] of u.slots) trie.put(keys[k++], v === 0n ? undefined : slotLeaf(v));
    storage.set(u, trie);
  }
  const nodes: [Uint8Array, Uint8Array][] = [];
  const storageTries = [...storage.values()];
  const storageRoots = new Map<Trie, Uint8Array>();
  (await commitTries(storageTries, hash)).forEach((up, i) => {
    storageRoots.set(storageTries[i], up.root);
    for (const n of up.nodes) nodes.push(n);
  });
  const accountTrie = new Trie(reader, root, cache);
  const records = updates.map((u, i) => {
    const trie = storage.get(u);
    const record = u.record(trie ? storageRoots.get(trie)! : u.storageRoot);
    accountTrie.put(keys[i], record && accountLeaf(record));
    return record;
  });
  const [up] = await commitTries([accountTrie], hash);
  for (const n of up.nodes) nodes.push(n);
  return { stateRoot: up.root, records, nodes };
}
