import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../src/engine/engine.js';
import type { BatchResult, WireBatch } from '../../src/model/shapes.js';
import { parseBatch } from '../../src/wire/parse.js';
import { validateBatch } from '../../src/wire/validate.js';
import { comparable, firstDifference, show, type Difference, type Json } from '../../src/engine/compare.js';
import type { EngineSelection } from './engines.js';
import type { FrameProbe } from './probe.js';
import { shrinkBatch, type ShrinkBudget } from './shrink.js';

/**
 * One differential case: the wire batch goes through the project's validator and
 * parser (the inputs are exactly what the API would hand an engine), then the
 * reference and every engine under test run it, each on its own parsed copy. A
 * mismatch is shrunk to a minimal batch and written out for replay with the CLI.
 */
export interface Mismatch {
  engine: string;
  diff: Difference;
  /** The shrunk batch, its first difference, and where it was written. */
  shrunk: WireBatch;
  shrunkDiff: Difference;
  file: string;
  from: { txs: number; accounts: number };
  /** False once the run's shrink quota for this engine was spent: `shrunk` is then the whole batch. */
  shrunkAtAll: boolean;
}

export interface CaseOutcome {
  reference: BatchResult;
  mismatches: Mismatch[];
  /** Per engine under test, its `stats.engines`: where its transactions actually ran (gpu, cpu, mixed...). */
  ranOn: Map<string, Record<string, number>>;
  /** What the reference's run did inside the EVM, when the selection has a probe. */
  probe?: FrameProbe;
}

async function runOn(engine: Engine, wire: WireBatch, ranOn?: (r: BatchResult) => void) {
  const r = await engine.execute(parseBatch(wire));
  ranOn?.(r);
  return comparable(r);
}

/** The first difference of `engine` from the oracle on `wire`; an engine that throws differs at `(execute)`. */
export async function differs(oracle: Engine, engine: Engine, wire: WireBatch): Promise<Difference | undefined> {
  validateBatch(wire);
  const expected = await runOn(oracle, wire);
  try {
    return firstDifference(expected, await runOn(engine, wire));
  } catch (e) {
    return { path: '(execute threw)', expected: 'a result', actual: String((e as Error).stack ?? e) };
  }
}

export interface CheckOptions {
  /** Names the case in reports and file names. */
  label: string;
  shrink?: Partial<ShrinkBudget> & { ms?: number };
  /**
   * Mismatches still to shrink, per engine label, shared across the cases of a run: an
   * engine that fails every batch would otherwise spend minutes shrinking each one.
   * Past it a mismatch is reported with the whole batch. Unlimited when absent.
   */
  quota?: Map<string, number>;
  /** Where the batches go; one temp dir per process by default. */
  outDir?: string;
}

let processDir: string | undefined;
const defaultDir = () => (processDir ??= mkdtempSync(join(tmpdir(), 'evmgpu-fuzz-')));

export async function checkCase(wire: WireBatch, sel: EngineSelection, o: CheckOptions): Promise<CaseOutcome> {
  validateBatch(wire);
  const referenceResult = await (sel.probe ?? sel.oracle).execute(parseBatch(wire));
  const probe = sel.probe?.last;
  const expected = comparable(referenceResult);
  const mismatches: Mismatch[] = [];
  const ranOn = new Map<string, Record<string, number>>();
  for (const { label, engine } of sel.compared) {
    let diff: Difference | undefined;
    try {
      diff = firstDifference(expected, await runOn(engine, wire, (r) => ranOn.set(label, r.stats.engines)));
    } catch (e) {
      diff = { path: '(execute threw)', expected: 'a result', actual: String((e as Error).stack ?? e) };
    }
    if (diff) mismatches.push(await minimise(wire, sel.oracle, engine, label, diff, o, txIndexOf(diff.path, expected)));
  }
  return { reference: referenceResult, mismatches, ranOn, probe };
}

/** The request index of the transaction a `results[k]...` or `rejected[k]...` difference is about, per the reference. */
function txIndexOf(path: string, expected: Json): number | undefined {
  const m = /^(results|rejected)\[(\d+)\]/.exec(path);
  const entry = m ? (expected as Record<string, Json[]>)[m[1]]?.[Number(m[2])] : undefined;
  const index = entry && typeof entry === 'object' && !Array.isArray(entry) ? entry.index : undefined;
  return typeof index === 'number' ? index : undefined;
}

async function minimise(wire: WireBatch, oracle: Engine, engine: Engine, label: string, diff: Difference, o: CheckOptions, lastNeeded?: number): Promise<Mismatch> {
  const left = o.quota?.get(label);
  o.quota?.set(label, (left ?? 0) - 1);
  const shrink = left === undefined || left > 0;
  const budget: ShrinkBudget = { runs: shrink ? o.shrink?.runs ?? 2000 : 0, deadline: Date.now() + (o.shrink?.ms ?? 120_000) };
  const stillFails = async (w: WireBatch) => {
    try {
      return (await differs(oracle, engine, w)) !== undefined;
    } catch {
      // The reference itself rejected the candidate: not the mismatch being chased.
      return false;
    }
  };
  const shrunk = shrink ? await shrinkBatch(wire, stillFails, budget, lastNeeded) : wire;
  const shrunkDiff = shrink ? (await differs(oracle, engine, shrunk).catch(() => undefined)) ?? diff : diff;
  const dir = o.outDir ?? defaultDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${o.label.replace(/[^\w.-]+/g, '_')}-${label.replace(/[^\w.-]+/g, '_')}.json`);
  // options.engine names the engine under test, so the file is also a request body for POST /v1/execute.
  writeFileSync(file, JSON.stringify({ ...shrunk, options: { ...shrunk.options, engine: label.split('=')[0] } }, null, 2) + '\n');
  return { engine: label, diff, shrunk, shrunkDiff, shrunkAtAll: shrink, file, from: { txs: wire.txs.length, accounts: Object.keys(wire.pre).length } };
}

/** Everything needed to act on a mismatch: seed, engine, first difference, the shrunk batch and how to replay it. */
export function formatMismatch(label: string, m: Mismatch): string {
  const engineName = m.engine.split('=')[0];
  return [
    `MISMATCH ${label} engine=${m.engine}`,
    `  first difference at ${m.diff.path}`,
    `    reference: ${show(m.diff.expected)}`,
    `    ${m.engine}: ${show(m.diff.actual)}`,
    m.shrunkAtAll
      ? `  shrunk from ${m.from.txs} txs / ${m.from.accounts} accounts to ${m.shrunk.txs.length} txs / ${Object.keys(m.shrunk.pre).length} accounts; there it differs at ${m.shrunkDiff.path}`
      : `  not shrunk (this run's shrink quota for ${m.engine} is spent; see its earlier mismatches): the whole batch follows`,
    `    reference: ${show(m.shrunkDiff.expected)}`,
    `    ${m.engine}: ${show(m.shrunkDiff.actual)}`,
    `  replay: node --import tsx src/cli/main.ts execute ${m.file} --engine ${engineName}   (and --engine reference)`,
    `      or: curl -s localhost:8080/v1/execute -H 'content-type: application/json' --data @${m.file}   (options.engine is ${engineName})`,
    `  ${m.shrunkAtAll ? 'shrunk ' : ''}batch (${m.file}):`,
    JSON.stringify(m.shrunk),
  ].join('\n');
}
