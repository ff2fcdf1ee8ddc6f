import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { fixturePath } from '../support/fixtures.js';
import { collectJsonFiles } from '../../src/conformance/files.js';
import { loadStateTestCases, runStateTestCase, type StateTestCase } from '../../src/conformance/statetest.js';
import { ReferenceEngine } from '../../src/engine/reference.js';
import { run as statetest } from '../../src/cli/commands/statetest.js';

const FIXTURES = fixturePath('state-tests');
const SETS = [
  { dir: 'cancun', fork: 'Cancun', cases: 666 },
  { dir: 'prague', fork: 'Prague', cases: 116 },
] as const;

const engine = new ReferenceEngine();

for (const set of SETS) {
  const cases: StateTestCase[] = collectJsonFiles([join(FIXTURES, set.dir)]).flatMap((f) => loadStateTestCases(f, set.fork));

  describe(`state tests: ${set.dir} (${set.fork}), reference engine`, () => {
    it(`finds all ${set.cases} cases`, () => {
      expect(cases.length).toBe(set.cases);
    });

    for (const c of cases) {
      it(`${c.file.slice(FIXTURES.length + 1)} ${c.name}[${c.index}]`, async () => {
        const o = await runStateTestCase(engine, c);
        expect(o.error).toBeUndefined();
        expect(o.ok).toBe(true);
        expect(o.stateRoot).toBe(c.expect.hash);
        expect(o.logsHash).toBe(c.expect.logs);
        expect(o.engine).toBe('reference');
      });
    }
  });
}

describe('state-test runner catches mismatches', () => {
  const file = collectJsonFiles([join(FIXTURES, 'prague')])[0];
  const [c] = loadStateTestCases(file, 'Prague');

  it('reports a wrong expected root as a failure', async () => {
    const o = await runStateTestCase(engine, { ...c, expect: { ...c.expect, hash: `0x${'11'.repeat(32)}` } });
    expect(o.ok).toBe(false);
    expect(o.error).toMatch(/state root/);
  });

  it('reports a wrong logs hash as a failure', async () => {
    const o = await runStateTestCase(engine, { ...c, expect: { ...c.expect, logs: `0x${'22'.repeat(32)}` } });
    expect(o.ok).toBe(false);
    expect(o.error).toMatch(/logs hash/);
  });

  it('reports a missing expected rejection as a failure', async () => {
    const o = await runStateTestCase(engine, { ...c, expect: { ...c.expect, exception: 'TransactionException.INTRINSIC_GAS_TOO_LOW' } });
    expect(o.ok).toBe(false);
    expect(o.error).toMatch(/rejected/);
  });
});

describe('evmgpu statetest command', () => {
  function capture() {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a) => void lines.push(a.join(' ')));
    const err = vi.spyOn(console, 'error').mockImplementation((...a) => void lines.push(a.join(' ')));
    return { lines, restore: () => (log.mockRestore(), err.mockRestore()) };
  }

  it('prints exactly "N passed, M failed" last and writes one JSON record per case', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evmgpu-st-'));
    const json = join(dir, 'out.json');
    const files = collectJsonFiles([join(FIXTURES, 'prague')]).slice(0, 3);
    const expected = files.flatMap((f) => loadStateTestCases(f, 'Prague')).length;
    const out = capture();
    const code = await statetest([...files, '--fork', 'Prague', '--json', json]).finally(out.restore);
    expect(code).toBe(0);
    expect(out.lines.at(-1)).toBe(`${expected} passed, 0 failed`);
    const records = JSON.parse(readFileSync(json, 'utf8'));
    expect(records).toHaveLength(expected);
    for (const r of records) {
      expect(Object.keys(r).sort()).toEqual(['engine', 'file', 'index', 'name', 'ok']);
      expect(r).toMatchObject({ ok: true, engine: 'reference' });
    }
  });

  it('exits 2 without --fork, with an unknown fork or an unknown engine', async () => {
    const dir = join(FIXTURES, 'prague');
    for (const args of [[dir], [dir, '--fork', 'Nonesuch'], [dir, '--fork', 'Prague', '--engine', 'warp']]) {
      const out = capture();
      const code = await statetest(args).finally(out.restore);
      expect(code, args.join(' ')).toBe(2);
    }
  });
});
