import { EngineRegistry } from '../../src/registry/registry.js';
import { findBlockDirs } from '../../src/conformance/blocktest.js';
import { readEnvironment } from '../../src/config/environment.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { validateBatch } from '../../src/wire/validate.js';
import type { BatchResult, WireBatch } from '../../src/model/shapes.js';
import { peer } from '../peers/index.js';
import { derivation } from '../signing/keys.js';
import { signing } from '../signing/sign.js';
import { workloadCases } from '../workloads/index.js';
import { MAINNET_BLOCKS_DIR } from '../workloads/mainnet.js';
import { describeMachine } from './machine.js';
import { runChecked, skippedRow, toRow, type Measured } from './measure.js';
import { sampledOracle } from './sampled-oracle.js';
import { peerRow, runPeerChecked, type PeerMeasured } from './peer-measure.js';
import { silentProgress, type Progress } from './progress.js';
import type { Report, Row, SuiteConfig } from './types.js';
import { warmUp } from './warmup.js';

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
  // The engines as the service would configure them from this environment (EVMGPU_CPU_WORKERS, ...).
  const registry = new EngineRegistry(resolveConfig({}, readEnvironment()).runtime);
  const engines = engineOrder(config.engines);
  const peers = engines.filter((name) => peer(name) !== undefined);
  const resolvesTo = (name: string) => (peer(name) !== undefined ? name : registry.get(name).name);
  const rows: Row[] = [];
  const signingBefore = { derivations: { ...derivation }, signatures: { ...signing } };
  try {
    const machine = await describeMachine(registry.gpu);
    const perCase = engines.length * config.repeat;
    progress.start(config.workloads.reduce((n, w) => n + casesIn(config, w) * perCase, 0));
    for (const workload of config.workloads) {
      await warmUp(workload, config, engines, registry);
      // engine -> the case size on which it went over --max-run-s, and by how much.
      const overBudget = new Map<string, { size: number; reason: string }>();
      for (const c of workloadCases(workload, { sizes: config.sizes, seed: config.seed, quickBlocks: config.quickBlocks, mainnetDir: config.mainnetDir })) {
        // A generated batch must be one the service would accept, or its figures mean nothing.
        validateBatch(c.batch);
        // Signing is setup: the signed form is made once per case, outside every clock.
        const signed = peers.length > 0 || config.signed ? c.signed() : undefined;
        if (signed !== undefined) validateBatch(signed);
        const ours: WireBatch = config.signed && signed !== undefined ? signed : c.batch;
        const info = { workload, label: c.label, size: c.size, txs: c.batch.txs.length };
        const past = (name: string) => {
          const over = overBudget.get(name);
          return over !== undefined && c.size > over.size ? over.reason : undefined;
        };
        // Past --reference-max-txs the reference runs only a sample, and the oracle is the checked cpu engine's result.
        const sampleTxs = config.referenceMaxTxs !== undefined && c.batch.txs.length > config.referenceMaxTxs ? config.referenceMaxTxs : undefined;
        const referenceOver = sampleTxs === undefined ? past('reference') : undefined;
        const skipped = new Map<string, string>();
        let referenceResult: BatchResult | undefined;
        let oracle: string | undefined;
        let noOracle = 'no reference result to check against';
        for (const name of engines) {
          const own = past(name);
          const unable = peer(name)?.cannotRun(c.batch, signed);
          if (unable !== undefined) skipped.set(name, unable);
          else if (own !== undefined) skipped.set(name, own);
          else if (referenceOver !== undefined) skipped.set(name, `the reference ${referenceOver}, so there is nothing to check against`);
        }
        // Peers check against a result; our engines against the oracle's text alone.
        const peersRun = peers.some((name) => !skipped.has(name));
        if (sampleTxs !== undefined) {
          try {
            const s = await sampledOracle({ reference: registry.get('reference'), cpu: registry.get('cpu') }, ours, sampleTxs, registry.codes);
            oracle = s.oracle;
            if (peersRun) referenceResult = s.result;
            skipped.set('reference', s.summary);
          } catch (e) {
            noOracle = `no checked oracle: ${e instanceof Error ? e.message : String(e)}`;
          }
        }
        const running = engines.filter((name) => !skipped.has(name) && !(sampleTxs !== undefined && name === 'reference'));
        const measured = new Map<string, Measured>(running.filter((n) => peer(n) === undefined).map((name) => [name, { runs: [] }]));
        const peerMeasured = new Map<string, PeerMeasured>(running.filter((n) => peer(n) !== undefined).map((name) => [name, { runs: [] }]));
        if (sampleTxs !== undefined && oracle === undefined) measured.set('reference', { runs: [], error: noOracle });
        // Repeats go round the engines, so drift over the run (GC, heat, other load) falls on all alike.
        for (let rep = 0; rep < config.repeat; rep++) {
          for (const name of running) {
            const p = peer(name);
            if (p !== undefined) {
              const pm = peerMeasured.get(name)!;
              if (referenceResult === undefined) pm.error ??= noOracle;
              else await runPeerChecked(p, signed!, referenceResult, pm);
              progress.step(`${workload} ${c.label} ${name}`);
              continue;
            }
            const m = measured.get(name)!;
            if (name === 'reference') {
              const got = await runChecked(registry.get(name), ours, oracle, m, registry.codes);
              if (oracle === undefined && got !== undefined && peersRun) referenceResult = got.result;
              oracle ??= got?.text;
            } else if (oracle === undefined) m.error ??= noOracle;
            else await runChecked(registry.get(name), ours, oracle, m, registry.codes);
            progress.step(`${workload} ${c.label} ${name}`);
          }
        }
        for (const name of engines) if (!running.includes(name)) for (let rep = 0; rep < config.repeat; rep++) progress.step(`${workload} ${c.label} ${name} (skipped)`);
        let referenceMedian: number | null = null;
        for (const name of engines) {
          const m = measured.get(name);
          const pm = peerMeasured.get(name);
          if (m === undefined && pm === undefined) {
            rows.push(skippedRow(info, name, resolvesTo(name), skipped.get(name)!));
            continue;
          }
          const row: Row = pm !== undefined ? peerRow(info, name, pm, referenceMedian) : toRow(info, name, resolvesTo(name), m!, referenceMedian);
          if (name === 'reference' && row.correct) referenceMedian = row.msMedian;
          if (name === 'reference' && row.correct) row.ratioVsReference = 1;
          rows.push(row);
          const slowest = Math.max(0, ...(pm ?? m!).runs.map((r) => r.ms));
          if (config.maxRunS !== undefined && slowest > config.maxRunS * 1000) {
            overBudget.set(name, { size: c.size, reason: `took ${(slowest / 1000).toFixed(1)} s ${workload === 'mainnet' ? `on ${c.label}` : `at ${c.label} transactions`}, over --max-run-s ${config.maxRunS}` });
          }
        }
      }
    }
    const spent = (now: { count: number; ms: number }, before: { count: number; ms: number }) => ({ count: now.count - before.count, ms: Math.round(now.ms - before.ms) });
    return {
      date: new Date().toISOString(), machine, config, durationS: Math.round((performance.now() - started) / 100) / 10,
      transactions: {
        ourEngines: config.signed ? 'signed' : 'unsigned',
        peers: Object.fromEntries(peers.map((name) => [name, peer(name)!.description])),
        // Derivations cached by earlier runs in the same process are not counted again.
        keyDerivations: spent(derivation, signingBefore.derivations),
        signatures: spent(signing, signingBefore.signatures),
      },
      rows,
    };
  } finally {
    progress.stop();
    await registry.close();
  }
}
