import type { BatchResult, WireBatch } from '../../src/model/shapes.js';
import { kindsOf } from './generator.js';
import { PRECOMPILE_NAMES } from './precompiles.js';
import type { FrameProbe } from './probe.js';

/**
 * What the generated batches actually exercised, read from the reference's results and
 * from what its run did inside the EVM (probe.ts): a run that stops producing reverts,
 * creates, nested frames or some rejection would still "pass", so the test checks these
 * counts against what the generator is meant to cover.
 */
export const LONG_TX_OPCODES = 1_000_000;

export class Coverage {
  batches = 0;
  txs = 0;
  readonly forks = new Map<string, number>();
  readonly types = new Map<string, number>();
  readonly outcomes = new Map<string, number>();
  readonly rejections = new Map<string, number>();
  readonly kinds = new Map<string, number>();
  creates = 0;
  logs = 0;
  signed = 0;
  largest = 0;
  // From the probe: frames below the transaction's own, by depth (index 5: 5 and deeper), and what happened in them.
  readonly nested = [0, 0, 0, 0, 0, 0];
  readonly reverted = [0, 0, 0, 0, 0, 0];
  readonly halted = [0, 0, 0, 0, 0, 0];
  deepest = 0;
  rolledBack = 0;
  reentrant = 0;
  staticFrames = 0;
  staticFailed = 0;
  delegateFrames = 0;
  callcodeFrames = 0;
  valueFrames = 0;
  frameCreates = 0;
  frameCreatesFailed = 0;
  readonly precompiles = new Map<number, { calls: number; failed: number }>();
  readonly ops = new Map<string, number>();
  opcodes = 0;
  /** Transactions that ran at least LONG_TX_OPCODES opcodes (several GPU dispatches), and the most any one ran. */
  longTxs = 0;
  mostOpcodes = 0;

  add(wire: WireBatch, r: BatchResult, probe?: FrameProbe): void {
    const bump = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
    this.batches++;
    this.txs += wire.txs.length;
    this.largest = Math.max(this.largest, wire.txs.length);
    bump(this.forks, wire.fork);
    for (const k of kindsOf(wire) ?? []) bump(this.kinds, k);
    for (const t of r.results) {
      bump(this.types, String(t.type));
      bump(this.outcomes, t.outcome);
      if (t.contractAddress) this.creates++;
      if (t.hash) this.signed++;
      this.logs += t.logs.length;
    }
    for (const j of r.rejected) bump(this.rejections, j.code);
    if (probe) this.addProbe(probe);
  }

  private addProbe(p: FrameProbe): void {
    for (let d = 0; d < 6; d++) {
      this.nested[d] += p.nestedByDepth[d];
      this.reverted[d] += p.revertedByDepth[d];
      this.halted[d] += p.haltedByDepth[d];
    }
    this.deepest = Math.max(this.deepest, p.deepest);
    this.rolledBack += p.rolledBack;
    this.reentrant += p.reentrant;
    this.staticFrames += p.staticFrames;
    this.staticFailed += p.staticFailed;
    this.delegateFrames += p.delegateFrames;
    this.callcodeFrames += p.callcodeFrames;
    this.valueFrames += p.valueFrames;
    this.frameCreates += p.frameCreates;
    this.frameCreatesFailed += p.frameCreatesFailed;
    for (const [a, c] of p.precompiles) {
      const mine = this.precompiles.get(a) ?? { calls: 0, failed: 0 };
      this.precompiles.set(a, { calls: mine.calls + c.calls, failed: mine.failed + c.failed });
    }
    for (const [k, n] of p.ops) this.ops.set(k, (this.ops.get(k) ?? 0) + n);
    for (const n of p.opcodes) {
      this.opcodes += n;
      if (n >= LONG_TX_OPCODES) this.longTxs++;
      this.mostOpcodes = Math.max(this.mostOpcodes, n);
    }
  }

  /** Nested frames that failed at depth 2 or deeper. */
  get failedMidStack(): number {
    return this.reverted.slice(2).reduce((a, b) => a + b, 0) + this.halted.slice(2).reduce((a, b) => a + b, 0);
  }

  summary(): string {
    const m = (x: Map<string, number>) => [...x.entries()].sort().map(([k, v]) => `${k}:${v}`).join(' ');
    const byDepth = (xs: number[]) => xs.slice(1).map((v, i) => `${i === 4 ? '5+' : i + 1}:${v}`).join(' ');
    const pc = [...this.precompiles.entries()].sort(([a], [b]) => a - b).map(([a, c]) => `${PRECOMPILE_NAMES[a] ?? a}:${c.calls}/${c.failed}`).join(' ');
    return [
      `${this.batches} batches, ${this.txs} txs (largest ${this.largest}); forks ${m(this.forks)}`,
      `  kinds drawn ${m(this.kinds)}`,
      `  included by type ${m(this.types)}; ${this.creates} creates, ${this.signed} signed, ${this.logs} logs`,
      `  outcomes ${m(this.outcomes)}`,
      `  rejections ${m(this.rejections)}`,
      `  nested frames by depth ${byDepth(this.nested)} (deepest ${this.deepest}); ${this.reentrant} reentrant, ${this.staticFrames} static, ${this.delegateFrames} delegatecall, ${this.callcodeFrames} callcode, ${this.valueFrames} with value`,
      `  nested frames reverted by depth ${byDepth(this.reverted)}; halted ${byDepth(this.halted)}; ${this.failedMidStack} failed at depth 2+, ${this.rolledBack} rolled back children that had succeeded, ${this.staticFailed} static frames failed`,
      `  creates by frames ${this.frameCreates} (${this.frameCreatesFailed} failed); executed ${m(this.ops)}`,
      `  precompile calls (calls/failed) ${pc}`,
      `  opcodes ${this.opcodes}; ${this.longTxs} txs ran >= ${LONG_TX_OPCODES} (most ${this.mostOpcodes})`,
    ].join('\n');
  }
}
