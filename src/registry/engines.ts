import type { SpeculationConfig } from '../speculation/engine.js';

/**
 * The engines built on the speculation core, as configurations of it. `auto` (the
 * service default) takes every route; `cpu` no GPU; `gpu` the GPU route forced with
 * no worker speculation (only fallbacks reach the CPU), stale frames always rerun on the GPU;
 * `gpu-interpreter` the same on the interpreter kernel alone.
 */
export type SpeculativeEngineName = 'auto' | 'cpu' | 'gpu' | 'gpu-interpreter';

const COMMON = { speculateFrom: 16, chunk: 32, aheadPerThread: 2 } as const;

export const SPECULATIVE_ENGINES: Readonly<Record<SpeculativeEngineName, SpeculationConfig>> = {
  auto: {
    ...COMMON,
    name: 'auto',
    description: 'parallel: GPU wave for frames, host rules for transfers, CPU workers for the rest; block-order validation reruns stale frames in GPU waves where that is cheaper and re-executes other conflicts; equal to sequential',
    gpu: { kernel: 'auto', rerunStale: 'cheaper', escalateScratch: true, required: false, hostAnswers: 'cheaper' },
    workers: true,
    // Recovery costs about 0.5 ms a transaction: in larger batches the worker threads recover senders in parallel.
    decodeSignedUpTo: 256,
  },
  cpu: {
    ...COMMON,
    name: 'cpu',
    description: 'parallel on the CPU: worker threads (@ethereumjs/vm) speculate, block-order validation re-executes conflicts; equal to sequential',
    workers: true,
    decodeSignedUpTo: 256,
  },
  gpu: {
    ...COMMON,
    name: 'gpu',
    description: 'every frame the GPU can run on the GPU (compiled programs where available, the interpreter kernel otherwise), stale frames rerun there; CPU (ethereumjs) only for what needs the host',
    gpu: { kernel: 'auto', rerunStale: 'always', escalateScratch: true, required: true, hostAnswers: 'all' },
    workers: false,
    decodeSignedUpTo: 256,
  },
  'gpu-interpreter': {
    ...COMMON,
    name: 'gpu-interpreter',
    description: 'engine gpu on the WGSL interpreter kernel only; CPU (ethereumjs) for what needs the host',
    gpu: { kernel: 'interpreter', rerunStale: 'always', escalateScratch: true, required: true, hostAnswers: 'all' },
    workers: false,
    decodeSignedUpTo: 256,
  },
};
