import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runRamp, type LoadSide, type RampReport } from './http/ramp.js';

/**
 * The load ramp (bench/README.md): starts `evmgpu serve` as a child process with small
 * admission bounds and drives it past saturation. Exits 1 on a 5xx other than 503, a 503
 * without Retry-After, a connection error, a crash, or /healthz p99 at or over 100 ms.
 *
 *   npx tsx bench/http-ramp.ts [--steps 1,4,16,64] [--step-seconds 10] [--light-txs 10]
 *        [--heavy-txs 8] [--heavy-gas 600000] [--engine cpu] [--load-niceness 10] [--out dir] [-- serve flags...]
 */
const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  strict: true,
  allowPositionals: true,
  options: {
    steps: { type: 'string', default: '1,4,16,64' },
    'step-seconds': { type: 'string', default: '10' },
    'light-txs': { type: 'string', default: '10' },
    'heavy-txs': { type: 'string', default: '8' },
    'heavy-gas': { type: 'string', default: '600000' },
    engine: { type: 'string', default: 'cpu' },
    'load-niceness': { type: 'string', default: '10' },
    out: { type: 'string' },
  },
});

const positive = (name: string, s: string): number => {
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: ${s} is not a positive number`);
  return n;
};
const niceness = (s: string): number => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 19) throw new Error(`--load-niceness: ${s} is not a niceness from 0 to 19`);
  return n;
};
const heavyTxs = positive('heavy-txs', values['heavy-txs']);
const heavyGas = positive('heavy-gas', values['heavy-gas']);
// Saturation within reach here: two batches at once, about two heavy batches waiting, and the heavy batch at the gas limit.
const serveArgs = positionals.length > 0 ? positionals : ['--max-concurrent-batches', '2', '--max-queued-gas', String(2 * heavyTxs * heavyGas), '--max-batch-gas', String(heavyTxs * heavyGas), '--max-batch-ms', '30000'];
const HEALTHZ_P99_MS = 100;

const load = loadavg().map((l) => l.toFixed(2)).join(', ');
const report: RampReport = await runRamp({
  steps: values.steps.split(',').map((s) => positive('steps', s)),
  stepS: positive('step-seconds', values['step-seconds']),
  lightTxs: positive('light-txs', values['light-txs']),
  heavyTxs, heavyGas, engine: values.engine, serveArgs,
  loadNiceness: niceness(values['load-niceness']),
}, `npx tsx bench/http-ramp.ts ${process.argv.slice(2).join(' ')}`.trim());

const pct = (n: number, of: number) => (of === 0 ? '-' : `${((100 * n) / of).toFixed(1)}%`);
const cell = (f: LoadSide) =>
  `${f.batchesPerSec.toFixed(2)} | ${f.latencyMs.p50} / ${f.latencyMs.p90} / ${f.latencyMs.p99} | ${f.requests} | ${pct(f.status503, f.requests)} | ${f.status503 === 0 ? '-' : f.retryAfter503 === f.status503 ? 'all' : `${f.retryAfter503}/${f.status503}`} | ${f.other5xx} | ${f.errors}`;
const rows = report.steps.flatMap((s) => [
  `| ${s.connections} | light | ${cell(s.light)} | ${s.peakRssMiB} | ${s.healthz.p50} / ${s.healthz.p99} / ${s.healthz.max} (${s.healthz.probes}${s.healthz.failures > 0 ? `, ${s.healthz.failures} failed` : ''}) | ${s.server.loopP99Ms} / ${s.server.loopMaxMs} | ${s.server.cpuS} |`,
  `| ${s.connections} | heavy | ${cell(s.heavy)} | | | | |`,
]);
for (const s of report.steps) {
  if (!(s.healthz.p99 < HEALTHZ_P99_MS)) report.failures.push(`${s.connections} connections: /healthz p99 ${s.healthz.p99} ms, over ${HEALTHZ_P99_MS} ms by ${(s.healthz.p99 - HEALTHZ_P99_MS).toFixed(1)} ms`);
}
const table = [
  `${report.date}, load average before the run ${load}; light: ${report.options.lightTxs} ERC-20 transfers, heavy: ${heavyTxs} loop calls of ${heavyGas} gas; engine ${report.options.engine}; ${report.options.stepS} s a step; load at niceness ${report.options.loadNiceness}; serve ${serveArgs.join(' ')}`,
  '',
  '| connections (each) | batch | 2xx batches/s | latency p50 / p90 / p99 ms | answers | 503 share | 503 with Retry-After | other 5xx | conn. errors | peak RSS MiB | /healthz p50 / p99 / max ms (probes) | server event-loop delay p99 / max ms | server CPU s |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
  `RSS idle ${report.idleRssMiB} MiB, kernel peak (VmHWM) ${report.hwmRssMiB} MiB; crash: ${report.crashed ?? 'none'}`,
  report.failures.length === 0 ? 'All targets met.' : `Missed: ${report.failures.join('; ')}`,
].join('\n');
process.stdout.write(`${table}\n`);
if (values.out) {
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'ramp.json'), `${JSON.stringify({ ...report, loadAverage: load }, null, 2)}\n`);
  writeFileSync(join(values.out, 'table.md'), `${table}\n`);
}
if (report.failures.length > 0) process.exitCode = 1;
