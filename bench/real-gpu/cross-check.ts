/**
 * Times `auto` (a cold run, which pays pipeline creation, then a warm one) and a second
 * engine on the generated workloads, and runs EDR on the signed form of each batch,
 * checking EDR's receipts and state against auto's result. Meant for a machine with a
 * real GPU, where the reference's 10k-transaction runs would spend most of a short lease:
 * EDR (revm) is the independent check there, and the other engines' state roots a second.
 * Of the mainnet blocks it runs those EDR can run, and sums them per engine.
 *
 *   node dist/bench/real-gpu/cross-check.js [--workload a,b] [--txs N] [--engines auto,auto,cpu] [--no-edr]
 */
import { parseArgs } from 'node:util';
import { openRegistry } from '../../src/cli/registry.js';
import type { BatchResult } from '../../src/model/shapes.js';
import type { WaveStats } from '../../src/model/stats.js';
import { peer } from '../peers/index.js';
import { timeOnce } from '../suite/measure.js';
import { workloadCases } from '../workloads/index.js';

const { values } = parseArgs({
  options: {
    workload: { type: 'string', default: 'mainnet,uniswap-hot,erc20-transfer,uniswap-swap' },
    txs: { type: 'string', default: '10000' },
    engines: { type: 'string', default: 'auto,auto' },
    'no-edr': { type: 'boolean', default: false },
  },
});

/** The reported waves added up, then each as frames/ms: where a wave's time goes on this device. */
function wavesLine(waves: readonly WaveStats[]): string {
  const sum = (k: keyof WaveStats) => Math.round(waves.reduce((a, w) => a + w[k], 0));
  const each = waves.map((w) => `${w.frames}/${Math.round(w.ms)}`).join(' ');
  return `${waves.length} waves: ${sum('submits')} submits, ${sum('hostRounds')} host rounds; ms ${sum('ms')} = prepare ${sum('prepareMs')} + device ${sum('deviceMs')} + unpack ${sum('unpackMs')} + rest; frames/ms ${each}`;
}

const registry = openRegistry('cross-check');
if (registry === 2) process.exit(2);
const edr = values['no-edr'] ? undefined : peer('edr');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
let failed = false;
/** Per workload: each engine's last run's milliseconds, summed over its cases, and EDR's. */
const sums = new Map<string, Map<string, number>>();
const add = (workload: string, name: string, ms: number) => {
  const m = sums.get(workload) ?? new Map<string, number>();
  sums.set(workload, m.set(name, (m.get(name) ?? 0) + ms));
};

try {
  for (const workload of values.workload.split(',')) {
    for (const c of workloadCases(workload, { sizes: [Number(values.txs)], seed: 1 })) {
      if (workload === 'mainnet' && edr?.cannotRun(c.batch) !== undefined) continue;
      const t0 = performance.now();
      const signed = edr ? c.signed() : undefined;
      console.log(`== ${workload} ${c.label}: ${c.batch.txs.length} txs (signing ${(performance.now() - t0).toFixed(0)} ms, setup)`);
      let root: string | undefined;
      let ours: BatchResult | undefined;
      const last = new Map<string, number>();
      for (const name of values.engines.split(',')) {
        const { ms, result } = await timeOnce(registry.get(name), c.batch);
        last.set(name, ms);
        const r = result.stateRoot ? hex(result.stateRoot) : 'none';
        root ??= r;
        ours ??= result;
        if (r !== root) failed = true;
        const s = result.stats;
        const waves = s.mode === 'speculative' ? ` waves ${s.speculation.waves}, rerun frames ${s.speculation.rerunFrames}` : '';
        console.log(`${name} ${ms.toFixed(0)} ms, state root ${r === root ? 'equal' : `DIFFERENT: ${r}`}; by ${JSON.stringify(s.engines)};${waves}`);
        console.log(`  phases ms ${JSON.stringify(Object.fromEntries(Object.entries(s.timingsMs).map(([k, v]) => [k, Math.round(v)])))}`);
        if (s.mode === 'speculative' && s.speculation.perWave.length > 0) console.log(`  ${wavesLine(s.speculation.perWave)}`);
      }
      for (const [name, ms] of last) add(workload, name, ms);
      if (edr && signed && ours) {
        try {
          const run = await edr.run(signed, ours);
          add(workload, 'edr', run.ms);
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
for (const [workload, m] of sums) {
  const edrMs = m.get('edr');
  const parts = [...m].map(([name, ms]) => `${name} ${ms.toFixed(0)} ms${edrMs !== undefined && name !== 'edr' ? ` (${(edrMs / ms).toFixed(2)}x EDR)` : ''}`);
  console.log(`sum ${workload}: ${parts.join(', ')}`);
}
process.exit(failed ? 1 : 0);
