import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { describeDifference, resultDifference } from '../../src/engine/compare.js';
import { EngineRegistry } from '../../src/registry/registry.js';
import { testRegistry } from '../support/registry.js';
import type { WireBatch } from '../../src/model/shapes.js';
import { validateBatch } from '../../src/wire/validate.js';
import { parseBatch } from '../../src/wire/parse.js';

/**
 * Every shrunk reproduction the differential fuzzer has found (test/fuzz/repros/), on
 * every engine, against the reference: each was a bug once, and stays fixed.
 */
const DIR = new URL('./repros/', import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const registry = testRegistry();
afterAll(() => registry.close());

describe('fuzzer reproductions stay fixed', () => {
  it('has reproductions to replay', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    for (const name of registry.names().filter((n) => n !== 'reference')) {
      it(`${file} on ${name} equals the reference`, async () => {
        const wire = JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as WireBatch;
        const { engine: _engine, ...options } = wire.options ?? {};
        const batch = { ...wire, options: { ...options, stateRoot: true } };
        validateBatch(batch);
        const want = await registry.get('reference').execute(parseBatch(batch));
        const d = resultDifference(want, await registry.get(name).execute(parseBatch(batch)));
        if (d) throw new Error(describeDifference(d));
      }, 120_000);
    }
  }
});
