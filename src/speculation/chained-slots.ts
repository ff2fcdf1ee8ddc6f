import type { GpuCallResult } from '../gpu/abi.js';
import { hexOf } from '../primitives/hex-of.js';
import type { TxReads, TxWrites } from './access-sets.js';
import type { StateReader } from './world-state.js';
import type { SlotKey } from './state-keys.js';

/**
 * Chains of one hot slot in a rerun wave. Token transfers to one large holder (an
 * exchange's USDT balance) each read the holder's balance slot and write it plus the
 * amount: every link is stale on the link before it, and one shared snapshot cannot
 * give each link the value the previous one writes, so such a chain reran one link a
 * wave. Where a slot is known to take deltas (its writes moved by exactly what its
 * reads moved, in an earlier rerun of the batch), the sweep predicts what a rerun
 * writes there (its previous write, moved by what its read moves now) and starts the
 * next link from that value, as a slot override of its call (the kernel reads it before
 * the snapshot). The whole chain then runs in one wave. Every link is still validated
 * at its own commit against the committed state, so a wrong prediction costs a rerun,
 * never exactness.
 */
const U256 = 1n << 256n;
/** Failed chained reruns in a batch before chaining may stop (SlotDeltas.chaining). */
export const CHAINS_FAILED_STOP = 8;

type Verdicts = Map<string, Map<bigint, boolean>>;

/**
 * What the batch's reruns showed of its slots: whether each takes deltas. A slot shown
 * once not to keeps that verdict. Chained reruns that did not hold at their commits
 * (a frame's other reads moved too) stop the chaining for the batch once they are at
 * least CHAINS_FAILED_STOP and outnumber those that held.
 */
export class SlotDeltas {
  private readonly verdicts: Verdicts = new Map();
  private held = 0;
  private failed = 0;

  /** Whether chains still run in a wave. */
  chaining(): boolean {
    return this.failed < CHAINS_FAILED_STOP || this.failed <= this.held;
  }

  /** A chained rerun reached its commit: it held, or it did not. */
  chainCommitted(held: boolean): void {
    if (held) this.held++;
    else this.failed++;
  }

  /** Compares a frame's rerun with its previous run: each slot both runs read and wrote, whose read moved, takes deltas when the write moved by as much. */
  learn(code: string, before: GpuCallResult, after: GpuCallResult): void {
    for (const w of after.storageWrites) {
      const addr = hexOf(w.address);
      this.judge(code, before, addr, w.slot, find(after.storageReads, addr, w.slot), w.value);
    }
  }

  /** The same, where ethereumjs re-executed the transaction instead (commit.ts): its first reads and final writes. */
  learnFromExecution(code: string, before: GpuCallResult, reads: TxReads['storage'], writes: TxWrites['storage']): void {
    if (before.storageWrites.length === 0) return;
    for (const [addr, entries] of writes) {
      for (const [slot, value] of entries) {
        const read = reads.find(([a, s]) => s === slot && a === addr);
        this.judge(code, before, addr, slot, read?.[2], value);
      }
    }
  }

  private judge(code: string, before: GpuCallResult, addr: string, slot: bigint, readAfter: bigint | undefined, wroteAfter: bigint): void {
    const wroteBefore = find(before.storageWrites, addr, slot);
    const readBefore = find(before.storageReads, addr, slot);
    if (wroteBefore === undefined || readBefore === undefined || readAfter === undefined || readBefore === readAfter) return;
    const additive = mod(wroteAfter - wroteBefore) === mod(readAfter - readBefore);
    const key = `${code}|${addr}`;
    let m = this.verdicts.get(key);
    if (!m) this.verdicts.set(key, (m = new Map()));
    if (m.get(slot) !== false) m.set(slot, additive);
  }

  /** Whether the transactions that run `code` (CodeSource.key) were shown to write deltas to the slot. */
  takesDeltas(code: string, addr: string, slot: bigint): boolean {
    return this.verdicts.get(`${code}|${addr}`)?.get(slot) === true;
  }
}

/** The slot values a sweep predicts its picked frames write, where they take deltas. */
export class ChainedSlots {
  private readonly values = new Map<string, Map<bigint, bigint>>();

  get(addr: string, slot: bigint): bigint | undefined {
    return this.values.get(addr)?.get(slot);
  }

  set(addr: string, slot: bigint, value: bigint): void {
    let m = this.values.get(addr);
    if (!m) this.values.set(addr, (m = new Map()));
    m.set(slot, value);
  }

  /** `base` with the chained slots' values laid over it: the state a frame that reads them starts from. */
  over(base: StateReader): StateReader {
    return {
      account: (addr) => base.account(addr),
      storage: (addr, slot) => this.get(addr, slot) ?? base.storage(addr, slot),
      storageEmpty: (addr) => base.storageEmpty(addr),
    };
  }

  /**
   * The writes of a transaction that holds on the chain's values: those to chained
   * slots move the chain on (exactly, given its values), and the rest are returned to be
   * laid over the prediction.
   */
  takeWrites(w: TxWrites): TxWrites {
    const storage: TxWrites['storage'] = [];
    for (const [addr, entries] of w.storage) {
      const rest = entries.filter(([slot, value]) => {
        if (this.get(addr, slot) === undefined) return true;
        this.set(addr, slot, value);
        return false;
      });
      if (rest.length > 0) storage.push([addr, rest]);
    }
    return { ...w, storage };
  }

  /** The chained slots among these reads, with their predicted values: a frame's slot overrides. */
  overridesFor(reads: readonly SlotKey[]): { address: Uint8Array; slot: bigint; value: bigint }[] {
    const out: { address: Uint8Array; slot: bigint; value: bigint }[] = [];
    if (this.values.size === 0) return out;
    for (const r of reads) {
      const value = this.get(r.addr, r.slot);
      if (value !== undefined) out.push({ address: Buffer.from(r.addr.slice(2), 'hex'), slot: r.slot, value });
    }
    return out;
  }
}

/** What a rerun is predicted to write to a slot it read `readBefore` from and wrote `wroteBefore` to, now that it reads `readNow` there. */
export function deltaWrite(wroteBefore: bigint, readBefore: bigint, readNow: bigint): bigint {
  return mod(wroteBefore + readNow - readBefore);
}

function mod(v: bigint): bigint {
  return ((v % U256) + U256) % U256;
}

function find(list: readonly { address: Uint8Array; slot: bigint; value: bigint }[], addr: string, slot: bigint): bigint | undefined {
  for (const e of list) if (e.slot === slot && hexOf(e.address) === addr) return e.value;
  return undefined;
}
