import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { testRegistry } from '../support/registry.js';
import type { WireBatch } from '../../src/model/shapes.js';
import { fuzzConfig, SHRINK_PER_ENGINE } from './config.js';
import { Coverage } from './coverage.js';
import { describeSelection, selectEngines } from './engines.js';
import { generateBatch } from './generator.js';
import { checkCase, formatMismatch } from './harness.js';
import { caseParams, seedHex } from './params.js';
import { Tally } from './tally.js';

/**
 * The harness outside vitest, for long runs: `npx tsx test/fuzz/run.ts --batches 10000`.
 * Flags override the EVMGPU_FUZZ_* variables (see README.md). A progress line on stderr;
 * every mismatch printed in full as it is found; exit status 1 if there was any.
 * `--file batch.json` checks (and shrinks further) one saved batch instead, such as a
 * reproduction an earlier run wrote.
 */
const { values } = parseArgs({
  options: {
    batches: { type: 'string' },
    seed: { type: 'string' },
    case: { type: 'string' },
    engines: { type: 'string' },
    file: { type: 'string' },
    'shrink-seconds': { type: 'string' },
    'stop-on-mismatch': { type: 'boolean', default: false },
  },
});
const env = { ...process.env };
if (values.batches) env.EVMGPU_FUZZ_BATCHES = values.batches;
if (values.seed) env.EVMGPU_FUZZ_SEED = values.seed;
if (values.case) env.EVMGPU_FUZZ_CASE = values.case;
if (values.engines) env.EVMGPU_FUZZ_ENGINES = values.engines;
if (values['shrink-seconds']) env.EVMGPU_FUZZ_SHRINK_SECONDS = values['shrink-seconds'];
// Outside CI a mismatch may take its time to shrink: a smaller reproduction saves more than that.
const config = fuzzConfig(env, 600);

const registry = testRegistry();
const selection = selectEngines(registry, config.engines);
const coverage = new Coverage();
const tally = new Tally(selection);
const quota = new Map(selection.compared.map((c) => [c.label, SHRINK_PER_ENGINE]));
if (selection.compared.length === 0) {
  console.error(`no engine to compare (${describeSelection(selection)})`);
  process.exit(2);
}

interface Case {
  label: string;
  wire: () => WireBatch;
}
const cases: Case[] = values.file
  ? [{ label: basename(values.file, '.json'), wire: () => JSON.parse(readFileSync(values.file!, 'utf8')) as WireBatch }]
  : config.seeds.map((seed) => {
      const p = caseParams(seed);
      return { label: `seed ${seedHex(seed)} (${p.fork}, ${p.size} txs, conflict ${Math.round(p.conflict * 100)}%)`, wire: () => generateBatch(p) };
    });
console.log(`differential fuzz: ${values.file ? values.file : `${cases.length} batches from base seed ${seedHex(config.base)}`}; ${describeSelection(selection)}`);

const t0 = performance.now();
const tty = process.stderr.isTTY;
for (const [i, c] of cases.entries()) {
  const wire = c.wire();
  const out = await checkCase(wire, selection, { label: c.label.split(' (')[0].replace(' ', '-'), quota, shrink: { ms: config.shrinkMs } });
  coverage.add(wire, out.reference, out.probe);
  tally.add(wire, out);
  for (const m of out.mismatches) console.log(`\n${formatMismatch(c.label, m)}\n`);
  const s = (performance.now() - t0) / 1000;
  const line = `[${i + 1}/${cases.length}] ${coverage.txs} txs, ${tally.mismatches} mismatches, ${((i + 1) / s).toFixed(1)} batches/s, last ${c.label.split(' (')[0]}`;
  if (tty) process.stderr.write(`\r${line}   `);
  else if ((i + 1) % 100 === 0 || i + 1 === cases.length) process.stderr.write(`${line}\n`);
  if (out.mismatches.length > 0 && values['stop-on-mismatch']) break;
}
if (tty) process.stderr.write('\n');
console.log(`${tally.summary()}\n${coverage.summary()}\n${((performance.now() - t0) / 1000).toFixed(1)} s`);
await registry.close();
process.exit(tally.mismatches > 0 ? 1 : 0);
