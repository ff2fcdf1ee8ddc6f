import type { AccountRecord, ReverseDiff } from './records.js';

/**
 * What a block writes after it is durable (store.ts: writeQueued), in a transaction of
 * its own while the answer goes out and the next block runs: its trie nodes, and its flat
 * state (the account records and slots it changed). Both are random keys in the largest
 * tables, and they cost the block's own transaction most of its time (on a million
 * accounts, 1,000 transactions change some 1,400 accounts, 2,800 slots and 8,800 nodes).
 *
 * Until that transaction commits, they are served from here. The block's own transaction
 * holds what a crash needs to finish the job: the flat state as a forward diff (`redo`,
 * with `pending` in meta naming the block) which the store applies when it opens, and the
 * reverse diff from which restore-nodes.ts rebuilds the nodes.
 *
 * The flat state is shown only once the block's transaction is visible (the head has
 * reached it): until then the store still shows the block before, whole.
 */
export type ForwardDiff = ReverseDiff;

interface HeldState {
  block: bigint;
  diff: ForwardDiff;
  accounts: Map<string, AccountRecord | undefined>;
  slots: Map<string, Map<bigint, bigint>>;
}

const key = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

export class Trailing {
  private readonly nodes = new Map<string, Uint8Array>();
  private state?: HeldState;

  /** Holds a block's nodes and flat state, before its transaction is queued. */
  hold(nodes: Iterable<[Uint8Array, Uint8Array]>, block?: bigint, diff?: ForwardDiff): void {
    for (const [h, bytes] of nodes) this.nodes.set(key(h), bytes);
    if (block === undefined || !diff) return;
    const accounts = new Map<string, AccountRecord | undefined>();
    for (const [a, r] of diff.accounts) accounts.set(key(a), r);
    const slots = new Map<string, Map<bigint, bigint>>();
    for (const [a, slot, v] of diff.slots) {
      const k = key(a);
      let m = slots.get(k);
      if (!m) slots.set(k, (m = new Map()));
      m.set(slot, v);
    }
    this.state = { block, diff, accounts, slots };
  }

  /** What is held: the nodes, and the block's flat state. */
  held(): { nodes: [Uint8Array, Uint8Array][]; block?: bigint; diff?: ForwardDiff } {
    return { nodes: [...this.nodes].map(([k, bytes]) => [Buffer.from(k, 'latin1'), bytes]), block: this.state?.block, diff: this.state?.diff };
  }

  get empty(): boolean {
    return this.nodes.size === 0 && !this.state;
  }

  /** The held things are written (or their block failed): memory lets them go. */
  release(nodes: Iterable<[Uint8Array, Uint8Array]>, block?: bigint): void {
    for (const [h] of nodes) this.nodes.delete(key(h));
    if (block !== undefined && this.state?.block === block) this.state = undefined;
  }

  node(hash: Uint8Array): Uint8Array | undefined {
    return this.nodes.size > 0 ? this.nodes.get(key(hash)) : undefined;
  }

  hasNode(hash: Uint8Array): boolean {
    return this.nodes.size > 0 && this.nodes.has(key(hash));
  }

  /** The block whose flat state is held, if any. */
  get block(): bigint | undefined {
    return this.state?.block;
  }

  /** The held record of `addr` ([true, record]; undefined record: deleted), or [false] when the block does not change it. */
  account(addr: Uint8Array): [true, AccountRecord | undefined] | [false] {
    const a = this.state?.accounts;
    if (!a) return [false];
    const k = key(addr);
    return a.has(k) ? [true, a.get(k)] : [false];
  }

  /** The held value of a slot (0: cleared), or undefined when the block does not change it. */
  slot(addr: Uint8Array, slot: bigint): bigint | undefined {
    return this.state?.slots.get(key(addr))?.get(slot);
  }

  /** An account's non-zero slots as stored, with the block's changes laid over them, in slot order. */
  overlay(addr: Uint8Array, stored: Iterable<[bigint, bigint]>): Iterable<[bigint, bigint]> {
    const changes = this.state?.slots.get(key(addr));
    if (!changes) return stored;
    const all = new Map(stored);
    for (const [slot, v] of changes) {
      if (v === 0n) all.delete(slot);
      else all.set(slot, v);
    }
    return [...all].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
