import type { BatchResult, WireBatch } from '../../src/model/shapes.js';

/**
 * What the generated batches actually exercised, read from the reference's results:
 * a run that stops producing reverts, creates or some rejection would still "pass",
 * so the test checks these counts against what the generator is meant to cover.
 */
export class Coverage {
  batches = 0;
  txs = 0;
  readonly forks = new Map<string, number>();
  readonly types = new Map<string, number>();
  readonly outcomes = new Map<string, number>();
  readonly rejections = new Map<string, number>();
  creates = 0;
  logs = 0;
  signed = 0;
  largest = 0;

  add(wire: WireBatch, r: BatchResult): void {
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    this.batches++;
    this.txs += wire.txs.length;
    this.largest = Math.max(this.largest, wire.txs.length);
    bump(this.forks, wire.fork);
    for (const t of r.results) {
      bump(this.types, String(t.type));
      bump(this.outcomes, t.outcome);
      if (t.contractAddress) this.creates++;
      if (t.hash) this.signed++;
      this.logs += t.logs.length;
    }
    for (const j of r.rejected) bump(this.rejections, j.code);
  }

  summary(): string {
    const m = (x: Map<string, number>) => [...x.entries()].sort().map(([k, v]) => `${k}:${v}`).join(' ');
    return [
      `${this.batches} batches, ${this.txs} txs (largest ${this.largest}); forks ${m(this.forks)}`,
      `  included by type ${m(this.types)}; ${this.creates} creates, ${this.signed} signed, ${this.logs} logs`,
      `  outcomes ${m(this.outcomes)}`,
      `  rejections ${m(this.rejections)}`,
    ].join('\n');
  }
}
