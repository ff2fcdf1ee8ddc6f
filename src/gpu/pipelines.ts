import { computePipeline } from './shader.js';
import { HARDWARE_WORKGROUP, workgroupConstants } from './workgroup.js';

export interface PipelineEntry {
  readonly pipeline: Promise<GPUComputePipeline>;
  /** Set once the pipeline exists. */
  ready?: GPUComputePipeline;
  /** Milliseconds from request to a ready pipeline. */
  ms?: number;
}

/**
 * The compute pipelines of one device, by name: each is created once (lavapipe takes
 * seconds for the interpreter), shared by every executor and hasher on the device,
 * and dropped with it. A failed creation is forgotten so the next request retries.
 */
export class PipelineCache {
  private readonly entries = new Map<string, PipelineEntry>();

  /**
   * @param workgroup the EVM kernels' workgroup size on this device (workgroup.ts): the
   * pipelines evmKernel() makes and the executor's dispatches agree on it.
   */
  constructor(
    private readonly device: GPUDevice,
    readonly workgroup = HARDWARE_WORKGROUP,
  ) {}

  /** The pipeline named `name`, created from `source()` on first request. */
  get(name: string, source: () => string): Promise<GPUComputePipeline> {
    return this.entry(name, source, false).pipeline;
  }

  /** An EVM kernel's pipeline (kernels/), made with this device's WORKGROUP. */
  evmKernel(name: string, source: () => string): Promise<GPUComputePipeline> {
    return this.entry(name, source, true).pipeline;
  }

  /** The EVM kernel's pipeline if it exists now; starts creating it otherwise. */
  evmKernelReady(name: string, source: () => string): GPUComputePipeline | undefined {
    return this.entry(name, source, true).ready;
  }

  /** Creation time of `name`, once it exists; never starts a creation. */
  ms(name: string): number | undefined {
    return this.entries.get(name)?.ms;
  }

  private entry(name: string, source: () => string, evm: boolean): PipelineEntry {
    let e = this.entries.get(name);
    if (e) return e;
    const t = performance.now();
    const entry: { pipeline: Promise<GPUComputePipeline>; ready?: GPUComputePipeline; ms?: number } = { pipeline: undefined as never };
    entry.pipeline = computePipeline(this.device, source(), name, evm ? workgroupConstants(this.workgroup) : undefined).then((p) => {
      entry.ready = p;
      entry.ms = performance.now() - t;
      return p;
    });
    entry.pipeline.catch(() => {
      if (this.entries.get(name) === entry) this.entries.delete(name);
    });
    this.entries.set(name, (e = entry));
    return e;
  }
}
