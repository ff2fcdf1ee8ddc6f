import type { BatchResult } from '../model/shapes.js';
import { formatResult, jsonCodec } from '../wire/format.js';

/**
 * The one comparison with the oracle: two batch results in JSON wire form (what the
 * API returns), field by field, so a difference reads as the client would see it.
 * Tests, the fuzzer and the bench suite all judge engines with it. Compared: every field
 * of every result (receipt fields, logs, return data, error, hash, blob gas), rejected
 * (index, code, error), stateDiff, stateRoot, receiptsRoot, logsBloom, logsHash, gasUsed,
 * blobGasUsed. Ignored, and only these: each result's `engine` (it names which engine
 * ran the transaction, so it differs by engine by design) and `stats` (timings and
 * per-engine counters). Map key order counts too: the JSON bytes must be identical.
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function comparable(r: BatchResult): Json {
  return JSON.parse(comparableText(r)) as Json;
}

/**
 * comparable() as JSON text. A caller that keeps an oracle keeps it as text: one string,
 * where the parsed form of a 100k-transaction result is millions of objects that every
 * major garbage collection of the process then marks.
 */
export function comparableText(r: BatchResult): string {
  const wire = formatResult(r, jsonCodec) as unknown as { results: Record<string, unknown>[]; stats?: unknown };
  const out = { ...wire, results: wire.results.map(({ engine: _, ...t }) => t) };
  delete out.stats;
  return JSON.stringify(out);
}

/** The first difference between two engines' results, or undefined when they agree. */
export function resultDifference(expected: BatchResult, actual: BatchResult): Difference | undefined {
  return firstDifference(comparable(expected), comparable(actual));
}

/** Whether two engines' results agree. */
export function sameResult(a: BatchResult, b: BatchResult): boolean {
  return resultDifference(a, b) === undefined;
}

/** One line for a failure message: where they differ and both values. */
export function describeDifference(d: Difference): string {
  return `${d.path}: expected ${show(d.expected)}, got ${show(d.actual)}`;
}

export interface Difference {
  /** JSONPath-like: `results[3].logs[0].data`, `stateDiff.post["0x…"].storage`. */
  path: string;
  expected: Json | undefined;
  actual: Json | undefined;
}

const key = (path: string, k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? (path ? `${path}.${k}` : k) : `${path}[${JSON.stringify(k)}]`);
const kind = (v: Json | undefined) => (v === undefined ? 'missing' : v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** The first place where `actual` differs from `expected` (depth first, in `expected`'s order), or undefined. */
export function firstDifference(expected: Json | undefined, actual: Json | undefined, path = ''): Difference | undefined {
  const at = path || '$';
  if (kind(expected) !== kind(actual)) return { path: at, expected, actual };
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) {
      const d = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (d) return d;
    }
    if (expected.length !== actual.length) return { path: key(path, 'length'), expected: expected.length, actual: actual.length };
    return undefined;
  }
  if (typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null) {
    const e = expected as Record<string, Json>;
    const a = actual as Record<string, Json>;
    for (const k of Object.keys(e)) {
      const d = firstDifference(e[k], a[k], key(path, k));
      if (d) return d;
    }
    for (const k of Object.keys(a)) if (!(k in e)) return { path: key(path, k), expected: undefined, actual: a[k] };
    const [ke, ka] = [Object.keys(e), Object.keys(a)];
    if (ke.some((k, i) => ka[i] !== k)) return { path: `${at} (key order)`, expected: ke, actual: ka };
    return undefined;
  }
  return expected === actual ? undefined : { path: at, expected, actual };
}

/** One line per value, shortened: a 256-byte bloom would drown the report. */
export function show(v: Json | undefined, max = 200): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}
