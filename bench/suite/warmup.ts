import type { EngineRegistry } from '../../src/registry/registry.js';
import type { BatchResult } from '../../src/model/shapes.js';
import { peer } from '../peers/index.js';
import { signedBatch } from '../signing/sign.js';
import { erc20TransferBatch } from '../workloads/erc20.js';
import { workloadCases } from '../workloads/index.js';
import { timeOnce } from './measure.js';
import type { SuiteConfig } from './types.js';

/**
 * Untimed warm-up on a tiny batch of the workload: GPU pipelines compile at first use
 * (slowly, on lavapipe), the JIT meets the workload's code paths and EDR loads its binding
 * before any clock runs. Failures are ignored here: the measured runs report them.
 */
export async function warmUp(workload: string, config: SuiteConfig, engines: string[], registry: EngineRegistry): Promise<void> {
  // Mainnet's smallest block can be large; a tiny generated batch warms the same code.
  const warm = workload === 'mainnet' ? erc20TransferBatch({ transfers: 4 }) : [...workloadCases(workload, { sizes: [8], seed: config.seed })][0].batch;
  const peers = engines.filter((name) => peer(name) !== undefined);
  const signed = peers.length > 0 || config.signed ? signedBatch(warm) : undefined;
  const ours = config.signed ? signed! : warm;
  let reference: BatchResult | undefined;
  for (const name of engines) {
    const p = peer(name);
    if (p === undefined) {
      const t = await timeOnce(registry.get(name), ours, registry.codes).catch(() => undefined);
      if (name === 'reference') reference = t?.result;
    } else if (reference !== undefined && p.cannotRun(warm) === undefined) {
      await p.run(signed!, reference).catch(() => undefined);
    }
  }
}
