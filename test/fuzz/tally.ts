import type { WireBatch } from '../../src/model/shapes.js';
import type { EngineSelection } from './engines.js';
import type { CaseOutcome } from './harness.js';

/** Per-engine counts for the end-of-run line: how much each engine was actually checked on. */
export class Tally {
  private readonly rows = new Map<string, { batches: number; txs: number; mismatches: number }>();

  constructor(sel: EngineSelection) {
    for (const c of sel.compared) this.rows.set(c.label, { batches: 0, txs: 0, mismatches: 0 });
  }

  add(wire: WireBatch, out: CaseOutcome): void {
    for (const [label, row] of this.rows) {
      row.batches++;
      row.txs += wire.txs.length;
      row.mismatches += out.mismatches.filter((m) => m.engine === label).length;
    }
  }

  get mismatches(): number {
    return [...this.rows.values()].reduce((n, r) => n + r.mismatches, 0);
  }

  summary(): string {
    return [...this.rows.entries()].map(([l, r]) => `${l}: ${r.batches} batches, ${r.txs} txs, ${r.mismatches} mismatches`).join('; ');
  }
}
