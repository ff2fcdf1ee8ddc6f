import { parseArgs } from 'node:util';
import { ENGINE_NAMES } from '../../src/registry/registry.js';
import { PEER_NAMES } from '../peers/index.js';
import { WORKLOADS } from '../workloads/index.js';
import type { SuiteConfig } from './types.js';

export interface Cli {
  config: SuiteConfig;
  reportDir: string;
  json?: string;
}

export const DEFAULT_REPORT_DIR = new URL('../results/latest', import.meta.url).pathname;

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

function positiveInts(s: string, what: string): number[] {
  const xs = list(s).map(Number);
  for (const x of xs) if (!Number.isInteger(x) || x <= 0) throw new Error(`${what}: ${s} is not a list of positive integers`);
  return xs;
}

/**
 * `npm run bench -- [--workload a,b] [--txs 1000,10000] [--engines reference,gpu] [--repeat N]
 * [--seed S] [--json out.json] [--report dir] [--quick] [--max-run-s S] [--signed]
 * [--reference-max-txs N]`. Engines are the
 * registry's and the peers (`edr`). `--quick` is a smoke run: small
 * sizes, one repeat, three small mainnet blocks; explicit flags still override it.
 */
export function parseCli(argv: string[]): Cli {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      workload: { type: 'string' },
      txs: { type: 'string' },
      engines: { type: 'string' },
      repeat: { type: 'string' },
      seed: { type: 'string', default: '1' },
      json: { type: 'string' },
      report: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'max-run-s': { type: 'string' },
      signed: { type: 'boolean', default: false },
      'reference-max-txs': { type: 'string' },
    },
  });
  const quick = values.quick;
  const workloads = values.workload ? list(values.workload) : [...WORKLOADS];
  for (const w of workloads) if (!(WORKLOADS as readonly string[]).includes(w)) throw new Error(`unknown workload ${w}: known are ${WORKLOADS.join(', ')}`);
  const known: string[] = [...ENGINE_NAMES, ...PEER_NAMES];
  const engines = values.engines ? list(values.engines) : known;
  for (const e of engines) if (!known.includes(e)) throw new Error(`unknown engine ${e}: known are ${known.join(', ')}`);
  return {
    config: {
      workloads,
      sizes: positiveInts(values.txs ?? (quick ? '100,500' : '1000,10000'), '--txs'),
      engines,
      repeat: positiveInts(values.repeat ?? (quick ? '1' : '3'), '--repeat')[0],
      seed: Number(values.seed),
      ...(quick ? { quickBlocks: 3 } : {}),
      ...(values.signed ? { signed: true } : {}),
      ...(values['max-run-s'] !== undefined ? { maxRunS: positiveInts(values['max-run-s'], '--max-run-s')[0] } : {}),
      ...(values['reference-max-txs'] !== undefined ? { referenceMaxTxs: positiveInts(values['reference-max-txs'], '--reference-max-txs')[0] } : {}),
    },
    reportDir: values.report ?? DEFAULT_REPORT_DIR,
    ...(values.json ? { json: values.json } : {}),
  };
}
