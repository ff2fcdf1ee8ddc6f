import type { EngineRegistry } from '../../src/registry/registry.js';
import type { BatchResult } from '../../src/model/shapes.js';
import { peer } from '../peers/index.js';
import { signedBatch } from '../signing/sign.js';
import { erc20TransferBatch } from '../workloads/erc20.js';
import { workloadCases } from '../workloads/index.js';
import { timeOnce } from './measure.js';
import type { SuiteConfig } from './types.js';

/**
 * Untimed warm-up: each of our engines as `serve` warms it at start-up (device, kernels,
 * buffers for a full group), then a tiny batch of the workload, so that what the first
 * batch would compile or load (GPU pipelines, slowly on lavapipe; the JIT's view of the
 * workload's code paths; EDR's binding) is done before any clock runs. Failures are
 * ignored here: the measured runs report them.
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
      // As `serve` does at start-up (gpu-warm-up): device, kernels, buffers for a full group.
      await registry.warmUp(name);
      const t = await timeOnce(registry.get(name), ours, registry.codes).catch(() => undefined);
      if (name === 'reference') reference = t?.result;
    } else if (reference !== undefined && p.cannotRun(warm) === undefined) {
      await p.run(signed!, reference).catch(() => undefined);
    }
  }
}
