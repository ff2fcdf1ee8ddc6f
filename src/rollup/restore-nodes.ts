import { cpuHasher } from '../chain/hasher.js';
import { bytesToHex } from '../primitives/hex.js';
import type { ChainStore } from './store.js';
import { EMPTY_TRIE_ROOT, NodeCache, equal } from './trie.js';
import { updateTries, type AccountUpdate } from './trie-update.js';

/**
 * A block's trie nodes are written after the block itself (store.ts: writeQueued), and
 * every later write waits for them, so a crash can leave only the head's nodes
 * unwritten. They are rebuilt here when the chain opens, from what the head's own
 * transaction made durable: its reverse diff names every account and slot it changed
 * (with the values before it), the state tables hold the values after it, and the
 * parent's nodes are all written. The rebuilt roots must be the ones the head's account
 * records and header hold; anything else is a store this code cannot vouch for.
 *
 * Returns the number of nodes written (0 when nothing was missing).
 */
export async function restoreHeadNodes(store: ChainStore): Promise<number> {
  const head = store.head();
  if (!head || equal(head.stateRoot, EMPTY_TRIE_ROOT) || store.hasNode(head.stateRoot)) return 0;
  const parent = store.header(head.number - 1n);
  const undo = store.undo(head.number);
  if (!parent || !undo || !(equal(parent.stateRoot, EMPTY_TRIE_ROOT) || store.hasNode(parent.stateRoot))) {
    throw new Error(`chain store ${store.dir}: the state trie of head block ${head.number} is missing and cannot be rebuilt (parent header ${parent ? 'present' : 'missing'}, reverse diff ${undo ? 'present' : 'missing'})`);
  }
  const slots = new Map<string, [bigint, bigint][]>();
  for (const [a, slot] of undo.slots) {
    const key = Buffer.from(a).toString('hex');
    let list = slots.get(key);
    if (!list) slots.set(key, (list = []));
    list.push([slot, store.slot(a, slot)]);
  }
  const updates: AccountUpdate[] = undo.accounts.map(([a, before]) => {
    const now = store.account(a);
    return {
      a,
      storageRoot: before?.storageRoot ?? EMPTY_TRIE_ROOT,
      ...(now ? { slots: slots.get(Buffer.from(a).toString('hex')) ?? [] } : {}),
      record: (storageRoot) => {
        if (now && !equal(storageRoot, now.storageRoot)) throw new Error(`chain store ${store.dir}: rebuilding block ${head.number}'s tries gave account ${bytesToHex(a)} storage root ${bytesToHex(storageRoot)}, its record holds ${bytesToHex(now.storageRoot)}`);
        return now;
      },
    };
  });
  const u = await updateTries(store, new NodeCache(0), parent.stateRoot, updates, cpuHasher);
  if (!equal(u.stateRoot, head.stateRoot)) throw new Error(`chain store ${store.dir}: rebuilding block ${head.number}'s tries gave state root ${bytesToHex(u.stateRoot)}, its header holds ${bytesToHex(head.stateRoot)}`);
  await store.write((w) => {
    for (const [h, bytes] of u.nodes) w.node(h, bytes);
  });
  return u.nodes.length;
}
