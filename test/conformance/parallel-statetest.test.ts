import { afterAll, describe, expect, it } from 'vitest';
import { collectJsonFiles } from '../../src/conformance/files.js';
import { loadStateTestCases, runStateTestCase, type StateTestCase } from '../../src/conformance/statetest.js';
import type { Engine } from '../../src/engine/engine.js';
import { EngineRegistry } from '../../src/registry/registry.js';
import { testRegistry } from '../support/registry.js';
import { fixturePath } from '../support/fixtures.js';

/**
 * All 782 state-test cases on engines `cpu` and `auto`, with speculation forced on
 * (one transaction is enough). On `cpu` every case's transaction runs in a worker
 * against the starting state and is committed from its read/write set; on `auto` the
 * plain calls' frames come from the GPU wave and the transaction rules from the host
 * path, the rest from workers. Post-state roots and logs hashes are the fixtures'.
 */
const FIXTURES = fixturePath('state-tests');
const cases: [string, StateTestCase[]][] = (
  [['cancun', 'Cancun'], ['prague', 'Prague']] as const
).map(([dir, fork]) => [dir, collectJsonFiles([`${FIXTURES}/${dir}`]).flatMap((f) => loadStateTestCases(f, fork))]);

const registry = testRegistry({ overrides: { cpu: { speculateFrom: 1 }, auto: { speculateFrom: 1 } } });
afterAll(() => registry.close());

for (const name of ['cpu', 'auto'] as const) {
  const engine = registry.get(name);
  const tally = { cases: 0, fromWorkers: 0, fromGpu: 0, hostTransfers: 0 };
  /** The engine, counting which speculative route each committed transaction took. */
  const counting: Engine = {
    name: engine.name,
    description: engine.description,
    async execute(batch) {
      const r = await engine.execute(batch);
      if (r.stats.mode !== 'speculative') throw new Error('ran sequentially');
      const s = r.stats.speculation;
      tally.fromWorkers += s.committedSpeculative;
      tally.fromGpu += s.gpuCommitted;
      tally.hostTransfers += s.hostTransfers;
      return r;
    },
  };
  for (const [dir, list] of cases) {
    describe(`state tests on engine ${name}: ${dir}`, () => {
      for (const c of list) {
        it(`${c.file.slice(FIXTURES.length + 1)} ${c.name}[${c.index}]`, async () => {
          const o = await runStateTestCase(counting, c);
          expect(o.error).toBeUndefined();
          expect(o.ok).toBe(true);
          tally.cases++;
          // A first case creates the GPU kernels' pipelines: minutes on lavapipe with a
          // cold shader cache on a loaded machine.
        }, 600_000);
      }
    });
  }
  describe(`engine ${name} state tests: routes`, () => {
    it('ran all 782 cases, committed from speculative runs', () => {
      console.log(`${name} statetests: ${tally.cases} cases; committed from workers ${tally.fromWorkers}, from the GPU wave ${tally.fromGpu}, host transfers ${tally.hostTransfers}`);
      expect(tally.cases).toBe(782);
      if (name === 'cpu') expect(tally.fromWorkers).toBeGreaterThan(700);
      else expect(tally.fromGpu).toBeGreaterThan(50);
    });
  });
}
