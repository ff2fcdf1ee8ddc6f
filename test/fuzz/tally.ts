import type { WireBatch } from '../../src/model/shapes.js';
import type { EngineSelection } from './engines.js';
import type { CaseOutcome } from './harness.js';

/** Per-engine counts for the end of a run: how much each engine was checked on, and where its transactions ran. */
export class Tally {
  private readonly rows = new Map<string, { batches: number; txs: number; mismatches: number; ranOn: Record<string, number> }>();

  constructor(sel: EngineSelection) {
    for (const c of sel.compared) this.rows.set(c.label, { batches: 0, txs: 0, mismatches: 0, ranOn: {} });
  }

  add(wire: WireBatch, out: CaseOutcome): void {
    for (const [label, row] of this.rows) {
      row.batches++;
      row.txs += wire.txs.length;
      row.mismatches += out.mismatches.filter((m) => m.engine === label).length;
      for (const [where, n] of Object.entries(out.ranOn.get(label) ?? {})) row.ranOn[where] = (row.ranOn[where] ?? 0) + n;
    }
  }

  get mismatches(): number {
    return [...this.rows.values()].reduce((n, r) => n + r.mismatches, 0);
  }

  summary(): string {
    const ran = (r: Record<string, number>) => Object.entries(r).sort().map(([k, v]) => `${k} ${v}`).join(', ');
    return [...this.rows.entries()].map(([l, r]) => `${l}: ${r.batches} batches, ${r.txs} txs (executed on: ${ran(r.ranOn)}), ${r.mismatches} mismatches`).join('\n');
  }
}
