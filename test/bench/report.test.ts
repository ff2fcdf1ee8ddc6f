import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../bench/suite/report.js';
import { runSuite } from '../../bench/suite/run.js';
import type { Report } from '../../bench/suite/types.js';

/** The report's shape on a tiny run: every file, key and row present. Numbers are not checked. */
const dir = mkdtempSync(join(tmpdir(), 'evmgpu-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = { workloads: ['erc20-transfer', 'uniswap-hot'], sizes: [8, 20], engines: ['reference', 'gpu'], repeat: 1, seed: 3 };
let report: Report;

describe('benchmark report', () => {
  it('runs and writes every artefact', async () => {
    report = await runSuite(config);
    const written = await writeReport(report, dir);
    expect(written.charts.map((f) => f.slice(dir.length + 1)).sort()).toEqual(['ratio.png', 'ratio.svg', 'throughput.png', 'throughput.svg']);
  });

  it('JSON carries the machine, adapter, date, config and rows', () => {
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    expect(Object.keys(json).sort()).toEqual(['config', 'date', 'durationS', 'machine', 'rows']);
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

  it('Markdown has the header and one line per row', () => {
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('| workload | case | txs | engine | median ms |');
    const lines = md.split('\n').filter((l) => /^\| (erc20-transfer|uniswap-hot) \|/.test(l));
    expect(lines).toHaveLength(report.rows.length);
  });

  it('charts are SVG and PNG', () => {
    for (const name of ['throughput', 'ratio']) {
      expect(readFileSync(join(dir, `${name}.svg`), 'utf8').startsWith('<svg')).toBe(true);
      expect([...readFileSync(join(dir, `${name}.png`)).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
  });
});
