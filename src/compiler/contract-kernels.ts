import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fork } from '../model/fork.js';
import { ProgramCache } from './cache.js';
import { emitWgsl } from './emit-wgsl.js';
import { buildProgram, type Program } from './fragments.js';
import { analyzeCode } from '../evm/code-analysis.js';
import { contractKernelSource } from './kernel-source.js';
import { awaitDevice } from '../gpu/event-pump.js';
import { HARDWARE_WORKGROUP, workgroupConstants } from '../gpu/workgroup.js';

/**
 * Kernels of their own for hot contracts: the WGSL back end's code (emit-wgsl.ts)
 * linked into kernels/compiled/main.wgsl with the program back end, one pipeline per
 * code, fork and compiler version on each device. It holds every fragment of the code,
 * or only those a sample call entered (profile.ts), the program running the rest. A pipeline is created in the background; until it exists
 * the code's calls run on the program (or interpreter) kernel, so nothing waits on a
 * slow shader compiler. The emitted WGSL is kept on disk beside the programs
 * (`<key>.wgsl`) to read and to diff. Whether a code gets one, and why not, is
 * recorded like the programs' reasons.
 */
export type ContractKernelReason =
  /** More fragments than the limit: its shader would take too long to compile. */
  | 'too-many-fragments'
  /** Its pipeline is being created. */
  | 'pending'
  /** Emitting or creating the pipeline failed (the message is kept); the code stays on the shared kernels. */
  | 'failed';

export interface ContractKernelEntry {
  readonly key: string;
  readonly codeBytes: number;
  /** Whether the kernel holds the frame stack: only when the code has a frame opcode (CALL family, CREATE*, SELFDESTRUCT). */
  frames?: boolean;
  /** Fragments written as WGSL (all, or those a sample call entered). */
  fragments?: number;
  /** Fragments of the code. */
  totalFragments?: number;
  /** Whether the fragments were chosen by a sample call (profile.ts). */
  sampled?: boolean;
  wgslBytes?: number;
  /** Host time to build the fragments, run the sample call (if any) and emit the WGSL. */
  emitMs?: number;
  /** Time from request to a ready pipeline (shader compile included). */
  pipelineMs?: number;
  reason?: ContractKernelReason;
  error?: string;
  pipeline?: GPUComputePipeline;
  ready?: Promise<GPUComputePipeline | undefined>;
}

/** The start pcs of the fragments a contract kernel should hold (profile.ts). */
export type Sampler = (program: Program) => Promise<ReadonlySet<number>>;

export interface ContractKernelOptions {
  /** Codes with more fragments keep the shared kernels. Default 4,096. */
  maxFragments?: number;
  /** Where the emitted WGSL is written (the program cache's directory); false (the default): nowhere. */
  dir?: string | false;
  /** Applied to the emitted WGSL before it is compiled: tests change a constant to prove the emitted code is what runs. */
  rewrite?: (wgsl: string) => string;
  /**
   * Invocations per workgroup (src/gpu/workgroup.ts): the device's, or more. Default 64,
   * the most any device uses: a dispatch sized for fewer then starts idle invocations,
   * which find no call and return, where one sized for more would leave calls out.
   */
  workgroup?: number;
}

export class ContractKernels {
  private readonly entries = new Map<string, ContractKernelEntry>();
  private readonly maxFragments: number;
  private readonly dir: string | false;
  private readonly rewrite: (wgsl: string) => string;
  private readonly workgroup: number;

  constructor(
    private readonly device: GPUDevice,
    opts: ContractKernelOptions = {},
  ) {
    this.maxFragments = opts.maxFragments ?? 4096;
    this.dir = opts.dir ?? false;
    this.rewrite = opts.rewrite ?? ((w) => w);
    this.workgroup = opts.workgroup ?? HARDWARE_WORKGROUP;
  }

  /**
   * The code's pipeline if it exists; otherwise starts creating it (once) and answers
   * undefined. `sample`: the start pcs of the fragments to write (profile.ts), when not
   * all of them; asked once, when the kernel is first requested.
   */
  request(code: Uint8Array, fork: Fork, sample?: Sampler): GPUComputePipeline | undefined {
    return this.entry(code, fork, sample).pipeline;
  }

  /** The code's pipeline, waiting for it; undefined when the code gets none. */
  async wait(code: Uint8Array, fork: Fork, sample?: Sampler): Promise<GPUComputePipeline | undefined> {
    const e = this.entry(code, fork, sample);
    return e.pipeline ?? (await e.ready);
  }

  /** Every code requested, with its figures or why it has no kernel. */
  report(): ContractKernelEntry[] {
    return [...this.entries.values()];
  }

  private entry(code: Uint8Array, fork: Fork, sample: Sampler | undefined): ContractKernelEntry {
    const key = ProgramCache.key(code, fork);
    let e = this.entries.get(key);
    if (e) return e;
    e = { key, codeBytes: code.length };
    this.entries.set(key, e);
    const t = performance.now();
    const program = buildProgram(code, fork);
    e.totalFragments = program.fragments.length;
    e.frames = analyzeCode(code, fork).usesFrames;
    e.sampled = sample !== undefined;
    if (!sample && program.fragments.length > this.maxFragments) {
      e.reason = 'too-many-fragments';
      return e;
    }
    e.reason = 'pending';
    const entry = e;
    entry.ready = (async () => {
      try {
        const only = sample ? await sample(program) : undefined;
        if (only && only.size > this.maxFragments) {
          entry.reason = 'too-many-fragments';
          entry.fragments = only.size;
          return undefined;
        }
        const emitted = emitWgsl(program, `code ${key}`, only);
        entry.fragments = emitted.fragments;
        const wgsl = this.rewrite(emitted.wgsl);
        entry.emitMs = performance.now() - t;
        entry.wgslBytes = wgsl.length;
        this.write(key, wgsl);
        const module = this.device.createShaderModule({ code: contractKernelSource(wgsl, emitted.withProgram, entry.frames), label: `contract ${key}` });
        const constants = workgroupConstants(this.workgroup);
        const pipeline = await awaitDevice(this.device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main', constants } }));
        entry.pipeline = pipeline;
        entry.pipelineMs = performance.now() - t;
        entry.reason = undefined;
        return pipeline;
      } catch (err) {
        entry.reason = 'failed';
        entry.error = err instanceof Error ? err.message : String(err);
        return undefined;
      }
    })();
    return e;
  }

  private write(key: string, wgsl: string): void {
    if (!this.dir) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(join(this.dir, `${key}.wgsl`), wgsl);
    } catch {
      // The WGSL on disk is for reading; without it nothing changes.
    }
  }
}
