import { afterAll, describe, expect, it } from 'vitest';
import { collectJsonFiles } from '../../src/conformance/files.js';
import { loadStateTestCases, runStateTestCase, type StateTestCase } from '../../src/conformance/statetest.js';
import type { Engine } from '../../src/engine/engine.js';
import { ParallelEngine } from '../../src/parallel/parallel-engine.js';
import { fixturePath } from '../fixtures.js';

/**
 * All 782 state-test cases on engine `cpu`, with speculation forced on (one
 * transaction is enough): every case's transaction runs in a worker against the
 * starting state, is validated on the main thread and committed from there, so the
 * worker path, the read/write sets, the coinbase delta and the trie root are all
 * checked against the fixtures' post-state roots and logs hashes.
 */
const FIXTURES = fixturePath('state-tests');
const cpu = new ParallelEngine({ speculateFrom: 1 });
afterAll(() => cpu.close());

let committedFromWorkers = 0;
/** The engine, counting how many transactions were committed straight from a worker's result. */
const counting: Engine = {
  name: cpu.name,
  description: cpu.description,
  async execute(batch) {
    const r = await cpu.execute(batch);
    committedFromWorkers += (r.stats.speculation as { committedSpeculative: number }).committedSpeculative;
    return r;
  },
};
for (const [dir, fork] of [['cancun', 'Cancun'], ['prague', 'Prague']] as const) {
  const cases: StateTestCase[] = collectJsonFiles([`${FIXTURES}/${dir}`]).flatMap((f) => loadStateTestCases(f, fork));
  describe(`state tests on engine cpu: ${dir} (${fork})`, () => {
    for (const c of cases) {
      it(`${c.file.slice(FIXTURES.length + 1)} ${c.name}[${c.index}]`, async () => {
        const o = await runStateTestCase(counting, c);
        expect(o.error).toBeUndefined();
        expect(o.ok).toBe(true);
      });
    }
  });
}

describe('engine cpu state tests', () => {
  it('committed the worker results (not only main-thread re-executions)', () => {
    console.log(`cpu statetests: ${committedFromWorkers} transactions committed from worker speculation`);
    expect(committedFromWorkers).toBeGreaterThan(700);
  });
});
