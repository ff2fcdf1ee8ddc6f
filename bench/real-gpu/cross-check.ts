/**
 * Times `auto` (a cold run, which pays pipeline creation, then a warm one) and a second
 * engine on the generated workloads, and runs EDR on the signed form of each batch,
 * checking EDR's receipts and state against auto's result. Meant for a machine with a
 * real GPU, where the reference's 10k-transaction runs would spend most of a short lease:
 * EDR (revm) is the independent check there, and the `cpu` engine's state root a second.
 *
 *   node dist/bench/real-gpu/cross-check.js [--workload a,b] [--txs N] [--engines auto,auto,cpu] [--no-edr]
 */
import { parseArgs } from 'node:util';
import { openRegistry } from '../../src/cli/registry.js';
import type { BatchResult } from '../../src/model/shapes.js';
import { peer } from '../peers/index.js';
import { timeOnce } from '../suite/measure.js';
import { workloadCases } from '../workloads/index.js';

const { values } = parseArgs({
  options: {
    workload: { type: 'string', default: 'erc20-transfer,uniswap-swap,uniswap-hot' },
    txs: { type: 'string', default: '10000' },
    engines: { type: 'string', default: 'auto,auto,cpu' },
    'no-edr': { type: 'boolean', default: false },
  },
});

const registry = openRegistry('cross-check');
if (registry === 2) process.exit(2);
const edr = values['no-edr'] ? undefined : peer('edr');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
let failed = false;

try {
  for (const workload of values.workload.split(',')) {
    for (const c of workloadCases(workload, { sizes: [Number(values.txs)], seed: 1 })) {
      const t0 = performance.now();
      const signed = edr ? c.signed() : undefined;
      console.log(`== ${workload} ${c.label}: ${c.batch.txs.length} txs (signing ${(performance.now() - t0).toFixed(0)} ms, setup)`);
      let root: string | undefined;
      let ours: BatchResult | undefined;
      for (const name of values.engines.split(',')) {
        const { ms, result } = await timeOnce(registry.get(name), c.batch);
        const r = result.stateRoot ? hex(result.stateRoot) : 'none';
        root ??= r;
        ours ??= result;
        if (r !== root) failed = true;
        const s = result.stats;
        const waves = s.mode === 'speculative' ? ` waves ${s.speculation.waves}, rerun frames ${s.speculation.rerunFrames}` : '';
        console.log(`${name} ${ms.toFixed(0)} ms, state root ${r === root ? 'equal' : `DIFFERENT: ${r}`}; by ${JSON.stringify(s.engines)};${waves}`);
        console.log(`  phases ms ${JSON.stringify(Object.fromEntries(Object.entries(s.timingsMs).map(([k, v]) => [k, Math.round(v)])))}`);
      }
      if (edr && signed && ours) {
        try {
          const run = await edr.run(signed, ours);
          console.log(`edr ${run.ms.toFixed(0)} ms: receipts and state equal to the first engine's`);
        } catch (e) {
          failed = true;
          console.log(`edr: ${(e as Error).name}: ${(e as Error).message.slice(0, 400)}`);
        }
      }
    }
  }
} finally {
  await registry.close();
}
process.exit(failed ? 1 : 0);
