import { describe, expect, it } from 'vitest';
import { markdownTable } from '../../bench/suite/markdown.js';
import { runSuite } from '../../bench/suite/run.js';

/** --max-run-s: an engine over budget on a case is skipped on larger cases, which is not a failure. */
describe('run budget', () => {
  it('skips larger cases after a run over budget and says why', async () => {
    const report = await runSuite({ workloads: ['native-transfer'], sizes: [4, 8], engines: ['reference', 'auto'], repeat: 1, seed: 1, maxRunS: 1e-6 });
    const at = (size: number) => report.rows.filter((r) => r.size === size);
    expect(at(4).map((r) => [r.engine, r.correct, r.skipped])).toEqual([['reference', true, undefined], ['auto', true, undefined]]);
    expect(at(8).map((r) => r.engine)).toEqual(['reference', 'auto']);
    expect(at(8)[0].skipped).toMatch(/^took .* s at 4 transactions, over --max-run-s/);
    expect(at(8)[1].skipped).toMatch(/over --max-run-s/);
    expect(markdownTable(report)).toContain('| skipped: took');
  });
});
