/**
 * A bounded cache that evicts in constant time. A Map trimmed in insertion order
 * (`map.delete(map.keys().next().value)`) is not: each delete leaves a hole at the
 * front of V8's table, and `keys().next()` walks every hole until the table is next
 * rehashed. At 200,000 entries, 10,000 inserts took 5 ms at first and 1.35 s after
 * 550,000 (node 20); the chain's trie node cache did exactly this, and its 1M-account
 * benchmark saw a block's trie update grow from 0.2 s to 2.7 s over 40 blocks.
 *
 * Two generations instead: entries go into the young one; once it holds half of `max`
 * units, it becomes the old one and the previous old one is dropped whole. A hit in
 * the old generation moves the entry young, so what is used survives: least recently
 * used out first, a generation at a time. At most `max` units are held (plus the entry
 * that fills the young generation).
 */
export class GenerationalCache<K, V> {
  private young = new Map<K, Entry<V>>();
  private old = new Map<K, Entry<V>>();
  private youngUnits = 0;
  private oldUnits = 0;

  constructor(private readonly max: number) {}

  /** The entry, if held; a hit in the old generation moves it young. */
  find(key: K): { readonly value: V } | undefined {
    const y = this.young.get(key);
    if (y) return y;
    const o = this.old.get(key);
    if (!o) return undefined;
    this.old.delete(key);
    this.oldUnits -= o.units;
    this.add(key, o);
    return o;
  }

  get(key: K): V | undefined {
    return this.find(key)?.value;
  }

  /** Holds `value` (replacing any held); one larger than half of `max` units is not held. */
  set(key: K, value: V, units = 1): void {
    this.delete(key);
    if (units > this.max / 2) return;
    this.add(key, { value, units });
  }

  delete(key: K): void {
    const y = this.young.get(key);
    if (y) {
      this.young.delete(key);
      this.youngUnits -= y.units;
    }
    const o = this.old.get(key);
    if (o) {
      this.old.delete(key);
      this.oldUnits -= o.units;
    }
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
    this.youngUnits = this.oldUnits = 0;
  }

  /** Units held (entries, or bytes as the caller counts them). */
  get units(): number {
    return this.youngUnits + this.oldUnits;
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  private add(key: K, e: Entry<V>): void {
    this.young.set(key, e);
    this.youngUnits += e.units;
    if (this.youngUnits < this.max / 2) return;
    this.old = this.young;
    this.oldUnits = this.youngUnits;
    this.young = new Map();
    this.youngUnits = 0;
  }
}

interface Entry<V> {
  value: V;
  units: number;
}
