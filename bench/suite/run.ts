import { EngineRegistry } from '../../src/engine/registry.js';
import { findBlockDirs } from '../../src/conformance/blocktest.js';
import { closeGpu } from '../../src/gpu/device.js';
import { erc20TransferBatch } from '../workloads/erc20.js';
import { workloadCases } from '../workloads/index.js';
import { MAINNET_BLOCKS_DIR } from '../workloads/mainnet.js';
import { describeMachine } from './machine.js';
import { measure, timeOnce, toRow } from './measure.js';
import { silentProgress, type Progress } from './progress.js';
import type { Report, Row, SuiteConfig } from './types.js';

/** The reference first: it is the oracle every other engine's result is checked against. */
export function engineOrder(engines: string[]): string[] {
  return ['reference', ...engines.filter((e) => e !== 'reference')].filter((e, i, all) => all.indexOf(e) === i);
}

function casesIn(config: SuiteConfig, workload: string): number {
  if (workload !== 'mainnet') return config.sizes.length;
  return config.quickBlocks ?? findBlockDirs([config.mainnetDir ?? MAINNET_BLOCKS_DIR]).length;
}

/**
 * Runs every (workload, case, engine) of `config` and returns the report. A row whose
 * result differs from the reference's is kept, marked `correct: false`, so the caller
 * can fail the run: a fast wrong answer is never reported as a figure.
 */
export async function runSuite(config: SuiteConfig, progress: Progress = silentProgress): Promise<Report> {
  const started = performance.now();
  const registry = new EngineRegistry();
  const engines = engineOrder(config.engines);
  const rows: Row[] = [];
  try {
    const machine = await describeMachine();
    const perCase = engines.length * config.repeat;
    progress.start(config.workloads.reduce((n, w) => n + casesIn(config, w) * perCase, 0));
    // Untimed warm-up: GPU pipelines compile (slowly, on lavapipe) at first use.
    const warm = erc20TransferBatch({ transfers: 4 });
    for (const name of engines) await timeOnce(registry.get(name), warm).catch(() => undefined);

    for (const workload of config.workloads) {
      for (const c of workloadCases(workload, { sizes: config.sizes, seed: config.seed, quickBlocks: config.quickBlocks, mainnetDir: config.mainnetDir })) {
        const info = { workload, label: c.label, size: c.size, txs: c.batch.txs.length };
        let oracle: string | undefined;
        let referenceMedian: number | null = null;
        for (const name of engines) {
          const engine = registry.get(name);
          let done = 0;
          const m = await measure(engine, c.batch, config.repeat, oracle, () => {
            done++;
            progress.step(`${workload} ${c.label} ${name}`);
          });
          for (; done < config.repeat; done++) progress.step(`${workload} ${c.label} ${name} (failed)`);
          if (name === 'reference') oracle = m.first;
          const row = toRow(info, name, engine.name, m, referenceMedian);
          if (name === 'reference') {
            referenceMedian = row.correct ? row.msMedian : null;
            row.ratioVsReference = row.correct ? 1 : null;
          }
          if (oracle === undefined && name !== 'reference') {
            row.correct = false;
            row.error ??= 'no reference result to check against';
          }
          rows.push(row);
        }
      }
    }
    return { date: new Date().toISOString(), machine, config, durationS: Math.round((performance.now() - started) / 100) / 10, rows };
  } finally {
    progress.stop();
    await registry.close();
    await closeGpu();
  }
}
