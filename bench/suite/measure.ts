import type { Engine } from '../../src/engine/engine.js';
import type { BatchResult, WireBatch } from '../../src/model/shapes.js';
import type { CodeTable } from '../../src/wire/code-table.js';
import { parseBatch } from '../../src/wire/parse.js';
import { comparableText, describeDifference, firstDifference, type Json } from '../../src/engine/compare.js';
import { round, speedFigures } from './stats.js';
import type { Row } from './types.js';

export interface Timed {
  ms: number;
  result: BatchResult;
}

/**
 * One execution, timed from the parsed batch in memory to the full result. Parsing is
 * outside the clock and done afresh each time, so no engine sees a batch another engine
 * (or an earlier repeat) already touched; with `codes` (the registry's, as the service
 * parses), code arrays are shared with earlier batches as they are in the service.
 */
export async function timeOnce(engine: Engine, wire: WireBatch, codes?: CodeTable): Promise<Timed> {
  const batch = parseBatch(wire, codes);
  const t = performance.now();
  const result = await engine.execute(batch);
  return { ms: performance.now() - t, result };
}

/**
 * What a row needs of one run. The result itself is not kept: a 100k batch's result is
 * hundreds of MB of objects, and holding every repeat's made the next runs' garbage
 * collections mark them.
 */
export interface RunSummary {
  ms: number;
  gasUsed: bigint;
  stats: BatchResult['stats'];
  /** Included transactions whose status is not 1. */
  failedTxs: number;
}

export function summarise({ ms, result }: Timed): RunSummary {
  return { ms, gasUsed: result.gasUsed, stats: result.stats, failedTxs: result.results.filter((t) => t.status !== 1n).length };
}

export interface Measured {
  runs: RunSummary[];
  /** Set when any run's result differs from the oracle's or the engine threw. */
  error?: string;
}

export interface CaseInfo {
  workload: string;
  label: string;
  size: number;
  txs: number;
}

/** Summarises one engine's repeats of one case into a row; `referenceMedian` gives the ratio. */
export function toRow(c: CaseInfo, engine: string, resolvesTo: string, m: Measured, referenceMedian: number | null): Row {
  const ms = m.runs.map((r) => round(r.ms, 3));
  const base = {
    ...c, engine, resolvesTo, repeats: ms.length, ms,
  };
  if (m.runs.length === 0) {
    return {
      ...base, msMin: 0, msMedian: 0, txPerSec: 0, txPerSecBest: 0, mgasPerSec: 0, gasUsed: 0, ratioVsReference: null,
      phasesMs: {}, executedBy: {}, failedTxs: 0, correct: false, error: m.error ?? 'no run completed',
    };
  }
  const { medianRun: at, figures } = speedFigures(c.txs, ms, (i) => Number(m.runs[i].gasUsed), referenceMedian);
  const medianRun = m.runs[at];
  const { stats } = medianRun;
  return {
    ...base,
    ...figures,
    phasesMs: stats.timingsMs,
    executedBy: stats.engines,
    ...(stats.mode === 'speculative' ? { speculation: stats.speculation } : {}),
    failedTxs: medianRun.failedTxs,
    correct: m.error === undefined,
    ...(m.error !== undefined ? { error: m.error } : {}),
  };
}

/** A row for a case an engine was not run on: no figures, not a failure. */
export function skippedRow(c: CaseInfo, engine: string, resolvesTo: string, reason: string): Row {
  return { ...toRow(c, engine, resolvesTo, { runs: [], error: reason }, null), skipped: reason };
}

/** A checked run's result, and its comparable JSON text (compare.ts: comparableText), the form an oracle is kept in. */
export interface Checked {
  text: string;
  result: BatchResult;
}

/**
 * Adds one timed run of `engine` to `m`, checked against `oracle` (the reference's
 * result as comparable text; for the reference itself, its own first run, so it must be
 * deterministic). Returns the run, or undefined when the engine failed.
 */
export async function runChecked(engine: Engine, wire: WireBatch, oracle: string | undefined, m: Measured, codes?: CodeTable): Promise<Checked | undefined> {
  if (m.error !== undefined) return undefined;
  try {
    const t = await timeOnce(engine, wire, codes);
    m.runs.push(summarise(t));
    const text = comparableText(t.result);
    if (oracle !== undefined && text !== oracle) m.error = `result not identical to the reference: ${textDifference(oracle, text)}`;
    return { text, result: t.result };
  } catch (e) {
    m.error = `threw: ${e instanceof Error ? e.message : String(e)}`;
    return undefined;
  }
}

/** Where two comparable texts differ, parsed only when they do. */
export function textDifference(expected: string, actual: string): string {
  const d = firstDifference(JSON.parse(expected) as Json, JSON.parse(actual) as Json);
  return d ? describeDifference(d) : 'the same fields and values in another order';
}
