import { afterAll, describe, expect, it } from 'vitest';
import { collectJsonFiles } from '../../src/conformance/files.js';
import { loadStateTestCases, runStateTestCase, type StateTestCase } from '../../src/conformance/statetest.js';
import { SPECULATIVE_ENGINES } from '../../src/registry/engines.js';
import { EngineRegistry } from '../../src/registry/registry.js';
import { testRegistry } from '../support/registry.js';
import { fixturePath } from '../support/fixtures.js';

/**
 * All 782 state-test cases with every GPU frame run through its code's compiled
 * program (kernel `compiled`: each code is compiled before its first dispatch), as
 * test/conformance/gpu-statetest.test.ts runs them on engine `gpu`. Frames that need the
 * host still go to the CPU; the tally says how many ran fully on the GPU.
 */
const FIXTURES = fixturePath('state-tests');
const registry = testRegistry({ overrides: { gpu: { gpu: { ...SPECULATIVE_ENGINES.gpu.gpu!, kernel: 'compiled' } } } });
const engine = registry.get('gpu');
afterAll(() => registry.close());

const tally = { cases: 0, onGpu: 0 };

for (const [dir, fork] of [['cancun', 'Cancun'], ['prague', 'Prague']] as const) {
  const cases: StateTestCase[] = collectJsonFiles([`${FIXTURES}/${dir}`]).flatMap((f) => loadStateTestCases(f, fork));
  describe(`state tests, compiled programs forced: ${dir} (${fork})`, () => {
    for (const c of cases) {
      it(`${c.file.slice(FIXTURES.length + 1)} ${c.name}[${c.index}]`, async () => {
        const o = await runStateTestCase(engine, c);
        expect(o.error).toBeUndefined();
        expect(o.ok).toBe(true);
        tally.cases++;
        if (o.engine === 'gpu') tally.onGpu++;
      });
    }
  });
}

describe('compiled state-test run', () => {
  it('ran all 782 cases', () => {
    const codes = registry.compiler.programs.report();
    const compiled = codes.filter((e) => e.program).length;
    const refused = codes.filter((e) => !e.program).map((e) => e.reason);
    console.log(`compiled programs forced: ${tally.onGpu}/${tally.cases} cases fully on the GPU; ${compiled} codes ran compiled, ${refused.length} not (${[...new Set(refused)].join(', ')})`);
    expect(tally.cases).toBe(782);
    // Every code the GPU saw was compiled, except init code (a create's: it runs once).
    expect(compiled).toBeGreaterThan(100);
    expect(refused.every((r) => r === 'create')).toBe(true);
  });
});
