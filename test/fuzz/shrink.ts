import type { Hex, WireBatch } from '../../src/model/shapes.js';
import { chainPlan, keepTxs } from './renonce.js';

/**
 * Delta debugging (Zeller's ddmin) of a failing batch: drop chunks of transactions
 * while the mismatch persists (closing up same-sender nonce chains, renonce.ts), then
 * pre-state accounts, then storage slots of what is left. Any subset is a valid request
 * (a dropped transaction at worst makes a later one invalid, which is still a case both
 * engines must agree on). The budget bounds the
 * number of predicate runs, as each one executes the candidate on two engines.
 */
export interface ShrinkBudget {
  runs: number;
  deadline: number;
}

export type StillFails = (w: WireBatch) => Promise<boolean>;

export async function ddmin<T>(items: T[], fails: (subset: T[]) => Promise<boolean>, budget: ShrinkBudget): Promise<T[]> {
  const spend = () => budget.runs-- > 0 && Date.now() < budget.deadline;
  if (items.length > 0 && spend() && (await fails([]))) return [];
  let n = 2;
  while (items.length >= 2) {
    const size = Math.ceil(items.length / n);
    const chunks = Array.from({ length: Math.ceil(items.length / size) }, (_, i) => [i * size, Math.min(items.length, (i + 1) * size)] as const);
    let reduced = false;
    for (const [a, b] of chunks) {
      if (!spend()) return items;
      if (await fails(items.slice(a, b))) {
        items = items.slice(a, b);
        n = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && chunks.length > 2) {
      for (const [a, b] of chunks) {
        if (!spend()) return items;
        const rest = [...items.slice(0, a), ...items.slice(b)];
        if (await fails(rest)) {
          items = rest;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (!reduced) {
      if (n >= items.length) break;
      n = Math.min(2 * n, items.length);
    }
  }
  return items;
}

/**
 * `lastNeeded`: the index of the transaction whose result differs first. Transactions
 * after it cannot cause that difference, so cutting them is tried first: one run
 * instead of many halvings on a batch of thousands.
 */
export async function shrinkBatch(w: WireBatch, fails: StillFails, budget: ShrinkBudget, lastNeeded?: number): Promise<WireBatch> {
  const plan = chainPlan(w);
  let indices = w.txs.map((_, i) => i);
  if (lastNeeded !== undefined && lastNeeded + 1 < indices.length && budget.runs-- > 0) {
    const prefix = indices.slice(0, lastNeeded + 1);
    if (await fails(keepTxs(w, plan, prefix))) indices = prefix;
  }
  indices = await ddmin(indices, (keep) => fails(keepTxs(w, plan, keep)), budget);
  let cur = keepTxs(w, plan, indices);
  const keep = await ddmin(Object.keys(cur.pre), (k) => fails({ ...cur, pre: pick(cur.pre, k) }), budget);
  cur = { ...cur, pre: pick(cur.pre, keep) };
  for (const addr of Object.keys(cur.pre)) {
    const storage = cur.pre[addr].storage;
    if (!storage || Object.keys(storage).length < 2) continue;
    const withSlots = (slots: string[]): WireBatch => ({ ...cur, pre: { ...cur.pre, [addr]: { ...cur.pre[addr], storage: pick(storage, slots) } } });
    const slots = await ddmin(Object.keys(storage), (s) => fails(withSlots(s)), budget);
    cur = withSlots(slots);
  }
  return cur;
}

function pick<V>(o: Record<string, V>, keys: string[]): Record<Hex, V> {
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}
