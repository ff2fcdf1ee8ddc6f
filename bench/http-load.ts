import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runHttpLoad, type HttpLoadReport } from './http/run.js';
import type { LoadFigures } from './http/load.js';
import { WORKLOADS } from './workloads/index.js';

/**
 * HTTP load on POST /v1/execute with autocannon: one fixed batch, sent as JSON and then as
 * msgpack for a bounded time each. Exits non-zero if any response was not 2xx.
 *
 *   npx tsx bench/http-load.ts [--url http://host:port] [--workload erc20-transfer] [--txs 100]
 *        [--duration 10] [--connections 4] [--engine name] [--signed] [--seed 1] [--json out.json]
 */
const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: true,
  options: {
    url: { type: 'string' },
    workload: { type: 'string', default: 'erc20-transfer' },
    txs: { type: 'string', default: '100' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '4' },
    engine: { type: 'string' },
    signed: { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    json: { type: 'string' },
  },
});

function positive(name: string, s: string): number {
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: ${s} is not a positive number`);
  return n;
}

if (!(WORKLOADS as readonly string[]).includes(values.workload)) throw new Error(`unknown workload ${values.workload}: known are ${WORKLOADS.join(', ')}`);

const line = (name: string, f: LoadFigures) =>
  `${name.padEnd(8)} ${f.batchesPerSec.toFixed(2).padStart(8)} batches/s ${f.txPerSec.toFixed(1).padStart(10)} tx/s   ` +
  `latency p50 ${f.latencyMs.p50} ms, p90 ${f.latencyMs.p90} ms, p99 ${f.latencyMs.p99} ms   ` +
  `${f.ok2xx} 2xx, ${f.non2xx} non-2xx, ${f.errors} errors   body ${f.bodyBytes.toLocaleString('en-US')} B`;

const report: HttpLoadReport = await runHttpLoad({
  ...(values.url !== undefined ? { url: values.url } : {}),
  workload: values.workload,
  txs: positive('txs', values.txs),
  seed: Number(values.seed),
  durationS: positive('duration', values.duration),
  connections: positive('connections', values.connections),
  ...(values.engine !== undefined ? { engine: values.engine } : {}),
  signed: values.signed,
});
process.stdout.write(
  `POST /v1/execute on ${report.target}${report.inProcess ? ' (in-process, loopback)' : ''}: ${report.workload}, ${report.txs} txs per batch, ` +
  `${report.signed ? 'signed {raw}' : 'unsigned (from)'} transactions, engine ${report.engine ?? 'service default'}, ` +
  `${report.runs.json.connections} connections, ${report.runs.json.durationS} s per body form\n` +
  `${line('json', report.runs.json)}\n${line('msgpack', report.runs.msgpack)}\n`,
);
if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
if (!report.ok) {
  process.stderr.write(`FAILED: ${report.failures.join('; ')}\n`);
  process.exitCode = 1;
}
