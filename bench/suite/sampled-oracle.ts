import type { Engine } from '../../src/engine/engine.js';
import { comparable, comparableText, describeDifference, firstDifference, type Json } from '../../src/engine/compare.js';
import type { BatchResult, WireBatch } from '../../src/model/shapes.js';
import type { CodeTable } from '../../src/wire/code-table.js';
import { timeOnce } from './measure.js';

/**
 * The oracle of a case too large to run on the reference (`--reference-max-txs`): the
 * `cpu` engine's result for the whole batch, itself checked on a sample. The sample is
 * the batch's first `sampleTxs` transactions, run on the reference from the same
 * pre-state: a transaction's receipt, logs and cumulative gas depend only on those before
 * it, so the whole batch's first results must equal the prefix's, field by field. The
 * rest of the whole batch's result (later receipts, state diff, roots) is the `cpu`
 * engine's word. It runs every transaction on ethereumjs, none on the GPU, and the test
 * suite checks it against the reference; but it shares the speculation core, the
 * validator, the state diff and the roots with `auto`, so a fault there that shows only
 * past the sample would pass both alike.
 */
export interface SampledOracle {
  /** The cpu engine's result as comparable text (compare.ts: comparableText). */
  oracle: string;
  /** For peers, which check against a result. */
  result: BatchResult;
  /** One line for the report's reference row. */
  summary: string;
}

export interface OracleEngines {
  reference: Engine;
  cpu: Engine;
}

export async function sampledOracle(engines: OracleEngines, wire: WireBatch, sampleTxs: number, codes?: CodeTable): Promise<SampledOracle> {
  const prefix = await timeOnce(engines.reference, { ...wire, txs: wire.txs.slice(0, sampleTxs) }, codes);
  const whole = await timeOnce(engines.cpu, wire, codes);
  const oracle = comparableText(whole.result);
  const d = prefixDifference(comparable(prefix.result), JSON.parse(oracle) as Json, sampleTxs);
  if (d !== undefined) throw new Error(`the cpu engine's result differs from the reference on the first ${sampleTxs} transactions: ${d}`);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return {
    oracle,
    result: whole.result,
    summary: `sampled: the reference ran the first ${sampleTxs} transactions (${s(prefix.ms)}) and the cpu engine's result for all ${wire.txs.length} (${s(whole.ms)}, the oracle here) equals it on them`,
  };
}

type WireResult = { results: Json[]; rejected?: { index: number }[] };

/**
 * Where the whole batch's result differs from the prefix's on the prefix's
 * transactions: its results (included transactions, in order) and its rejections.
 */
export function prefixDifference(prefix: Json, whole: Json, sampleTxs: number): string | undefined {
  const p = prefix as unknown as WireResult;
  const w = whole as unknown as WireResult;
  if (w.results.length < p.results.length) return `the whole batch has ${w.results.length} results, the prefix ${p.results.length}`;
  const d = firstDifference(p.results as Json, w.results.slice(0, p.results.length) as Json, 'results');
  if (d) return describeDifference(d);
  const rejected = (r: WireResult) => (r.rejected ?? []).filter((x) => x.index < sampleTxs) as unknown as Json;
  const r = firstDifference(rejected(p), rejected(w), 'rejected');
  return r && describeDifference(r);
}
