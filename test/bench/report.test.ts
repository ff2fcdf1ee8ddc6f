import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../bench/suite/report.js';
import { runSuite } from '../../bench/suite/run.js';
import type { Report } from '../../bench/suite/types.js';
import { fixturePath } from '../support/fixtures.js';

/** The report's shape on a tiny run: every file, key and row present. Numbers are not checked. */
const dir = mkdtempSync(join(tmpdir(), 'evmgpu-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = { workloads: ['erc20-transfer', 'uniswap-hot', 'compute'], sizes: [8, 20], engines: ['reference', 'gpu', 'edr'], repeat: 1, seed: 3 };
let report: Report;

describe('benchmark report', () => {
  it('runs and writes every artefact', async () => {
    report = await runSuite(config);
    const written = await writeReport(report, dir);
    expect(written.charts.map((f) => f.slice(dir.length + 1)).sort()).toEqual(['ratio.png', 'ratio.svg', 'throughput.png', 'throughput.svg']);
  });

  it('JSON carries the machine, adapter, date, config and rows', () => {
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    expect(Object.keys(json).sort()).toEqual(['config', 'date', 'durationS', 'machine', 'rows', 'transactions']);
    expect(json.transactions.ourEngines).toBe('unsigned');
    expect(Object.keys(json.transactions.peers)).toEqual(['edr']);
    // Every sized batch is signed once for EDR: 8 + 20 transactions per workload.
    expect(json.transactions.signatures.count).toBeGreaterThanOrEqual(3 * 28);
    expect(Object.keys(json.machine).sort()).toEqual(['adapter', 'cores', 'cpu', 'memoryGiB', 'node', 'platform', 'software']);
    expect(Number.isNaN(Date.parse(json.date))).toBe(false);
    for (const row of json.rows) {
      for (const k of ['workload', 'label', 'txs', 'engine', 'msMin', 'msMedian', 'txPerSec', 'mgasPerSec', 'ratioVsReference', 'phasesMs', 'correct']) expect(row).toHaveProperty(k);
    }
  });

  it('has one correct row per (workload, engine, size)', () => {
    const keys = report.rows.map((r) => `${r.workload}/${r.engine}/${r.size}`).sort();
    const expected = config.workloads.flatMap((w) => config.engines.flatMap((e) => config.sizes.map((s) => `${w}/${e}/${s}`))).sort();
    expect(keys).toEqual(expected);
    expect(report.rows.filter((r) => !r.correct).map((r) => r.error)).toEqual([]);
  });

  it('EDR rows carry its timed phases and the gas the reference used', () => {
    const edr = report.rows.filter((r) => r.engine === 'edr');
    expect(edr).toHaveLength(config.workloads.length * config.sizes.length);
    for (const r of edr) {
      expect(Object.keys(r.phasesMs)).toEqual(['submit', 'mine', 'receipts']);
      expect(r.executedBy).toEqual({ edr: r.txs });
      const ref = report.rows.find((x) => x.engine === 'reference' && x.workload === r.workload && x.size === r.size)!;
      expect(r.gasUsed).toBe(ref.gasUsed);
    }
  });

  it('Markdown has the header, the transaction forms and one line per row', () => {
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('| workload | case | txs | engine | median ms |');
    expect(md).toContain('did **no signature recovery**');
    expect(md).toMatch(/`edr`: @nomicfoundation\/edr 0\.20\.0/);
    const lines = md.split('\n').filter((l) => /^\| (erc20-transfer|uniswap-hot|compute) \|/.test(l));
    expect(lines).toHaveLength(report.rows.length);
  });

  it('charts are SVG and PNG', () => {
    for (const name of ['throughput', 'ratio']) {
      expect(readFileSync(join(dir, `${name}.svg`), 'utf8').startsWith('<svg')).toBe(true);
      expect([...readFileSync(join(dir, `${name}.png`)).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
  });
});

describe('peers on the recorded mainnet blocks', () => {
  it('EDR runs them with their recorded signatures, or says why not in a row of its own', async () => {
    const r = await runSuite({ workloads: ['mainnet'], sizes: [1], engines: ['reference', 'edr'], repeat: 1, seed: 1, quickBlocks: 3, mainnetDir: fixturePath('mainnet-blocks') });
    const edr = r.rows.filter((x) => x.engine === 'edr').map((x) => [x.label, x.correct, x.skipped?.replace(/^tx \d+/, 'tx n')]);
    // The three quick blocks: the first has no blob transaction, the other two have one each.
    expect(edr).toEqual([
      ['block 19426587', true, undefined],
      ['block 19923400', false, expect.stringMatching(/^tx n is a blob transaction/)],
      ['block 19933122', false, expect.stringMatching(/^tx n is a blob transaction/)],
    ]);
    expect(r.rows.filter((x) => x.engine === 'reference').every((x) => x.correct)).toBe(true);
  });
});
