import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { ServiceError } from '../errors/service-error.js';
import { forkAtLeast } from '../model/fork.js';
import type { Hex } from '../model/shapes.js';
import type { SpeculationStats } from '../model/stats.js';
import { bytesToHex } from '../primitives/hex.js';
import { parseBatch } from '../wire/parse.js';
import { validateBatch } from '../wire/validate.js';
import { loadMainnetBlock, type MainnetBlock } from './mainnet-block.js';
import { caseEngine } from './statetest.js';

/**
 * Mainnet block replay: a block's transactions go through the same validation, parsing
 * and engine as an API batch, and the receipts must reproduce the real header's
 * receiptsRoot, logsBloom and gasUsed.
 */
export interface BlockChecks {
  /** Absent before Byzantium: those receipts hold intermediate state roots, which a partial pre-state cannot rebuild. */
  receiptsRoot?: boolean;
  logsBloom: boolean;
  gasUsed: boolean;
}

export interface BlockTestOutcome {
  dir: string;
  block: number;
  fork: string;
  ok: boolean;
  /** Engine that actually executed the block: reference, gpu, cpu, host or mixed. */
  engine: string;
  /** Its transactions counted by the engine label that executed them, as in stats.engines. */
  engines: Record<string, number>;
  /** Speculative engines: why transactions left their planned route (stats.speculation.fallbacks, `gpu:<outcome>` for GPU exits). */
  fallbacks?: Record<string, number>;
  /** Speculative engines: GPU waves (the first and the rerun waves), the frames the rerun waves ran, and the precompile runs the host answered for GPU frames. */
  waves?: { count: number; rerunFrames: number; hostPrecompiles: number };
  txs: number;
  checks: BlockChecks;
  /** What the replay produced, for the checks above. */
  actual?: { receiptsRoot: Hex; logsBloom: Hex; gasUsed: bigint };
  error?: string;
}

const isBlockDir = (dir: string): boolean => existsSync(join(dir, 'block.json'));

/**
 * A path is a block folder (holds block.json) or a folder of block folders, one level
 * down, in block-number order. Throws on a path that is neither.
 */
export function findBlockDirs(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!statSync(p).isDirectory()) throw new Error(`${p}: not a directory`);
    if (isBlockDir(p)) {
      out.push(p);
      continue;
    }
    const children = readdirSync(p)
      .map((e) => join(p, e))
      .filter((c) => statSync(c).isDirectory() && isBlockDir(c))
      .sort(byBlockNumber);
    if (children.length === 0) throw new Error(`${p}: no block.json here or in its subfolders`);
    out.push(...children);
  }
  return out;
}

/** Numeric folder names sort as numbers (46147 before 930196); others after, by name. */
function byBlockNumber(a: string, b: string): number {
  const [x, y] = [basename(a), basename(b)];
  const [nx, ny] = [/^\d+$/.test(x) ? Number(x) : Infinity, /^\d+$/.test(y) ? Number(y) : Infinity];
  return nx !== ny ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
}

export async function runBlockTest(engine: Engine, dir: string): Promise<BlockTestOutcome> {
  let block: MainnetBlock;
  try {
    block = loadMainnetBlock(dir);
  } catch (e) {
    const n = Number(basename(dir));
    return {
      dir, block: Number.isSafeInteger(n) ? n : -1, fork: 'unknown', ok: false, engine: engine.name, engines: {}, txs: 0,
      checks: { logsBloom: false, gasUsed: false }, error: errorText(e),
    };
  }
  return replay(engine, block);
}

export async function replay(engine: Engine, b: MainnetBlock): Promise<BlockTestOutcome> {
  const withStatus = forkAtLeast(b.fork, 'Byzantium');
  const base = { dir: b.dir, block: Number(b.number), fork: b.fork, txs: b.batch.txs.length };
  try {
    validateBatch(b.batch);
    const result = await engine.execute(parseBatch(b.batch));
    const actual = { receiptsRoot: bytesToHex(result.receiptsRoot), logsBloom: bytesToHex(result.logsBloom), gasUsed: result.gasUsed };
    const checks: BlockChecks = {
      ...(withStatus ? { receiptsRoot: actual.receiptsRoot === b.expect.receiptsRoot } : {}),
      logsBloom: actual.logsBloom === b.expect.logsBloom,
      gasUsed: actual.gasUsed === b.expect.gasUsed,
    };
    const problems: string[] = [];
    // A rejected transaction would also break the checks; naming it says why.
    for (const r of result.rejected) problems.push(`tx ${r.index} rejected: ${r.code} ${r.error}`);
    if (checks.receiptsRoot === false) problems.push(`receiptsRoot ${actual.receiptsRoot} != header ${b.expect.receiptsRoot}`);
    if (!checks.logsBloom) problems.push('logsBloom differs from the header');
    if (!checks.gasUsed) problems.push(`gasUsed ${actual.gasUsed} != header ${b.expect.gasUsed}`);
    return {
      ...base, ok: problems.length === 0, engine: caseEngine(result.stats.engines, engine.name), engines: result.stats.engines,
      ...(result.stats.mode === 'speculative' ? speculationRecord(result.stats.speculation) : {}), checks, actual,
      ...(problems.length ? { error: problems.join('; ') } : {}),
    };
  } catch (e) {
    return {
      ...base, ok: false, engine: engine.name, engines: {},
      checks: { ...(withStatus ? { receiptsRoot: false } : {}), logsBloom: false, gasUsed: false }, error: errorText(e),
    };
  }
}

function speculationRecord(s: SpeculationStats): Pick<BlockTestOutcome, 'fallbacks' | 'waves'> {
  return { fallbacks: s.fallbacks, waves: { count: s.waves, rerunFrames: s.rerunFrames, hostPrecompiles: s.hostPrecompiles } };
}

function errorText(e: unknown): string {
  if (e instanceof ServiceError) return `${e.code}: ${e.message}`;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** The --json record: the outcome without the replayed values. */
export function blockTestRecord(o: BlockTestOutcome) {
  const { dir, block, fork, ok, engine, engines, fallbacks, waves, txs, checks, error } = o;
  return { dir, block, fork, ok, engine, engines, ...(fallbacks ? { fallbacks } : {}), ...(waves ? { waves } : {}), txs, checks, ...(error ? { error } : {}) };
}
