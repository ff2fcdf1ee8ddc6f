import { expect } from 'vitest';
import { describeDifference, resultDifference } from '../../src/engine/compare.js';
import { ReferenceEngine } from '../../src/engine/reference.js';
import type { BatchResult, WireBatch } from '../../src/model/shapes.js';
import type { EngineRegistry } from '../../src/registry/registry.js';
import { parseBatch } from '../../src/wire/parse.js';

/** stats.speculation of a batch a speculative engine ran (it throws when the batch ran sequentially). */
export function speculation(r: BatchResult) {
  if (r.stats.mode !== 'speculative') throw new Error(`engine ${r.stats.engine} ran sequentially`);
  return r.stats.speculation;
}

const reference = new ReferenceEngine();

/** Runs `w` (with the state root) on the reference and on `engine`: every field must be equal. */
export async function expectEqualToReference(registry: EngineRegistry, w: WireBatch, engine: string): Promise<BatchResult> {
  const batch = parseBatch({ ...w, options: { ...w.options, stateRoot: true } });
  const [want, got] = [await reference.execute(batch), await registry.get(engine).execute(batch)];
  const d = resultDifference(want, got);
  if (d) throw new Error(describeDifference(d));
  expect(got.stateRoot).toEqual(want.stateRoot);
  return got;
}
