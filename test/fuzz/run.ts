import { parseArgs } from 'node:util';
import { EngineRegistry } from '../../src/engine/registry.js';
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
 */
const { values } = parseArgs({
  options: {
    batches: { type: 'string' },
    seed: { type: 'string' },
    case: { type: 'string' },
    engines: { type: 'string' },
    'stop-on-mismatch': { type: 'boolean', default: false },
  },
});
const env = { ...process.env };
if (values.batches) env.EVMGPU_FUZZ_BATCHES = values.batches;
if (values.seed) env.EVMGPU_FUZZ_SEED = values.seed;
if (values.case) env.EVMGPU_FUZZ_CASE = values.case;
if (values.engines) env.EVMGPU_FUZZ_ENGINES = values.engines;
const config = fuzzConfig(env);

const registry = new EngineRegistry();
const selection = selectEngines(registry, config.engines);
const coverage = new Coverage();
const tally = new Tally(selection);
// Shrinking is for understanding a bug; past a few per engine it only costs time.
const quota = new Map(selection.compared.map((c) => [c.label, SHRINK_PER_ENGINE]));
console.log(`differential fuzz: ${config.seeds.length} batches from base seed ${seedHex(config.base)}; ${describeSelection(selection)}`);
if (selection.compared.length === 0) {
  console.error('no engine to compare');
  process.exit(2);
}

const t0 = performance.now();
const tty = process.stderr.isTTY;
for (const [i, seed] of config.seeds.entries()) {
  const p = caseParams(seed);
  const wire = generateBatch(p);
  const out = await checkCase(wire, selection, { label: `seed-${seedHex(seed)}`, quota });
  coverage.add(wire, out.reference);
  tally.add(wire, out);
  for (const m of out.mismatches) console.log(`\n${formatMismatch(`seed ${seedHex(seed)} (${p.fork}, ${p.size} txs, conflict ${Math.round(p.conflict * 100)}%)`, m)}\n`);
  const s = (performance.now() - t0) / 1000;
  const line = `[${i + 1}/${config.seeds.length}] ${coverage.txs} txs, ${tally.mismatches} mismatches, ${((i + 1) / s).toFixed(1)} batches/s, last seed ${seedHex(seed)}`;
  if (tty) process.stderr.write(`\r${line}   `);
  else if ((i + 1) % 100 === 0 || i + 1 === config.seeds.length) process.stderr.write(`${line}\n`);
  if (out.mismatches.length > 0 && values['stop-on-mismatch']) break;
}
if (tty) process.stderr.write('\n');
console.log(`${tally.summary()}\n${coverage.summary()}\n${((performance.now() - t0) / 1000).toFixed(1)} s`);
await registry.close();
process.exit(tally.mismatches > 0 ? 1 : 0);
