import type { BatchResult } from '../../src/model/shapes.js';
import { formatResult, jsonCodec } from '../../src/wire/format.js';

/**
 * A result as the client sees it, minus what legitimately differs between engines
 * (per-transaction engine labels, stats): two engines agree iff these strings are equal.
 */
export function comparable(r: BatchResult): string {
  const wire = formatResult(r, jsonCodec) as unknown as { results: { engine?: string }[]; stats?: unknown };
  for (const t of wire.results) delete t.engine;
  delete wire.stats;
  return JSON.stringify(wire);
}

/** The first field where two comparable results differ, for the failure message. */
export function firstDifference(expected: string, actual: string): string {
  let i = 0;
  while (i < expected.length && expected[i] === actual[i]) i++;
  return `differs at character ${i}: expected ...${expected.slice(Math.max(0, i - 60), i + 60)}... got ...${actual.slice(Math.max(0, i - 60), i + 60)}...`;
}
