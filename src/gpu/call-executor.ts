import { ProgramCache } from '../compiler/cache.js';
import { type CompiledProgram } from '../compiler/compile.js';
import { contractKernels, type ContractKernels, type Sampler } from '../compiler/contract-kernels.js';
import { enteredFragments, sampleTrace } from '../compiler/profile.js';
import { compiledKernelSource } from '../compiler/kernel-source.js';
import type { OutcomeCode } from '../evm/outcome.js';
import type { Fork } from '../model/fork.js';
import { bindGroupEntries } from './bindings.js';
import type { GpuContext } from './device.js';
import { forkRow, interpreterSource } from './interpreter-wgsl.js';
import { CALL, CHUNK, type RegionCaps, regions } from './layout.js';
import { packBatch, type PackOptions } from './pack.js';
import { GpuBufferCache } from './buffer-cache.js';
import { compileWgsl } from './shader.js';
import { stopPoint, unpackResult } from './unpack.js';

/**
 * Runs the top-level frames of many calls on the GPU, one interpreter invocation per
 * call, against one read-only snapshot. The host packs, dispatches and unpacks; the
 * kernel (kernels/interpreter/) does the EVM.
 */

export interface GpuBlockContext {
  /** Berlin..Prague; others throw RangeError. */
  fork: Fork;
  /** 20 bytes. */
  coinbase: Uint8Array;
  number: bigint;
  timestamp: bigint;
  gasLimit: bigint;
  chainId: bigint;
  /** 0 before London. */
  baseFee: bigint;
  /** Value of opcode 0x44 (difficulty before Paris, prevRandao after). */
  prevRandao: bigint;
  /** BLOBBASEFEE (Cancun+). */
  blobBaseFee: bigint;
  /** BLOCKHASH n: the hash if number - 256 <= n < number and present, else 0. */
  blockHashes: Map<bigint, Uint8Array>;
}

export interface GpuAccountState {
  balance: bigint;
  nonce: bigint;
  code: Uint8Array;
  codeHash: Uint8Array;
  storage: Map<bigint, bigint>;
}

/** The world as every call of one dispatch sees it (speculative: calls don't see each other). Absent accounts are empty; absent slots are zero. */
export interface GpuStateSnapshot {
  /** Keyed by 0x + 40 lowercase hex digits. */
  accounts: Map<string, GpuAccountState>;
}

export interface GpuCall {
  /** ADDRESS: the executing account (for a create, the new contract's address). */
  address: Uint8Array;
  caller: Uint8Array;
  origin: Uint8Array;
  value: bigint;
  data: Uint8Array;
  gasPrice: bigint;
  /** Gas available to the frame, below 2^63. */
  gas: bigint;
  /** The code to run, already resolved (EIP-7702 delegation target's code, or init code for a create). */
  code: Uint8Array;
  /** CODESIZE/CODECOPY use `code`; CALLDATA is empty for creates. */
  isCreate: boolean;
  /** The complete warm address set at frame start (precompiles, origin, to, coinbase, access list...). */
  warmAddresses: Uint8Array[];
  /** Warm storage keys at frame start (access list). */
  warmSlots: { address: Uint8Array; slot: bigint }[];
  blobVersionedHashes: Uint8Array[];
}

export interface GpuLog {
  address: Uint8Array;
  topics: Uint8Array[];
  data: Uint8Array;
}

export interface GpuCallResult {
  /** Stop/Return/Revert/halts; NeedsHost/BudgetExhausted/ScratchExhausted mean "not finished: run it on the CPU". */
  outcome: OutcomeCode;
  /** 0 after an exceptional halt; remaining gas after Stop/Return/Revert. */
  gasLeft: bigint;
  /** The frame's refund counter delta (may be negative); meaningful only on Stop/Return. */
  refund: bigint;
  /** RETURN/REVERT data. */
  returnData: Uint8Array;
  /** Empty unless Stop/Return. */
  logs: GpuLog[];
  /**
   * Final value of every slot SSTOREd (Stop/Return only), including slots whose final
   * value equals the original: the engine applies them as given.
   */
  storageWrites: { address: Uint8Array; slot: bigint; value: bigint }[];
  /** Every slot read from the snapshot (its snapshot value), for the conflict validator. SSTORE reads too: its gas depends on the original value. */
  storageReads: { address: Uint8Array; slot: bigint; value: bigint }[];
  /** Accounts whose balance/code/codehash/size was read from the snapshot. */
  accountReads: Uint8Array[];
  /** Opcodes executed (the one that ended the call included). */
  steps: number;
  /** Where execution ended: the pc and the opcode byte there (0 past the end of the code). */
  stoppedAt?: { pc: number; op: number };
  /** Which kernel ran the call: `compiled` when its code's compiled program drove it, `contract` when its code's own kernel did. */
  kernel?: 'interpreter' | 'compiled' | 'contract';
}

/**
 * Which kernel runs a dispatch. `interpreter`: always the interpreter kernel.
 * `compiled`: every code is compiled before its first dispatch (unless refused: see
 * ProgramCache) and runs its program. `auto`: compiled programs where they exist; a
 * code seen in fewer than `compileNowMinCalls` calls is compiled after the dispatch,
 * which the interpreter serves, and the compiled-program kernel is used only once its
 * pipeline exists.
 */
export type KernelMode = 'auto' | 'interpreter' | 'compiled';

/**
 * Kernels of a contract's own (src/compiler/contract-kernels.ts), on top of `auto` or
 * `compiled`. `off`: never. `background`: a code with at least `compileNowMinCalls`
 * calls in a dispatch gets its kernel created in the background, and its calls use it
 * once it exists. `wait`: every compiled code's kernel is created before the dispatch
 * (tests, benchmarks). Default: $EVMGPU_CONTRACT_KERNELS, else `background` on a
 * hardware adapter and `off` on a software one, where a contract's shader takes
 * seconds to minutes to compile (src/compiler/README.md).
 */
export type ContractKernelMode = 'off' | 'background' | 'wait';

const CONTRACT_KERNEL_MODES: readonly ContractKernelMode[] = ['off', 'background', 'wait'];

function contractKernelMode(ctx: GpuContext, opt: ContractKernelMode | undefined, kernel: KernelMode): ContractKernelMode {
  if (kernel === 'interpreter') return 'off';
  if (opt) return opt;
  const env = process.env.EVMGPU_CONTRACT_KERNELS;
  if (env) {
    if (!CONTRACT_KERNEL_MODES.includes(env as ContractKernelMode)) throw new RangeError(`EVMGPU_CONTRACT_KERNELS must be one of ${CONTRACT_KERNEL_MODES.join(', ')}: ${env}`);
    return env as ContractKernelMode;
  }
  return ctx.software ? 'off' : 'background';
}

function contractFragmentsDefault(ctx: GpuContext): 'all' | 'entered' {
  const env = process.env.EVMGPU_CONTRACT_FRAGMENTS;
  if (env === 'all' || env === 'entered') return env;
  if (env) throw new RangeError(`EVMGPU_CONTRACT_FRAGMENTS must be all or entered: ${env}`);
  return ctx.software ? 'entered' : 'all';
}

export interface GpuExecutorOptions {
  /** Opcodes one invocation may run in a dispatch before BudgetExhausted. Default 1,000,000. */
  maxStepsPerDispatch?: number;
  /** EVM memory per call; growing past it is ScratchExhausted. Default 64 KiB, a multiple of 32, at most 16 MiB. */
  memoryBytesPerCall?: number;
  /** Default 8. */
  maxLogsPerCall?: number;
  /** Default 2 KiB, a multiple of 4. */
  maxLogDataBytesPerCall?: number;
  /** Default 1 KiB, a multiple of 4. */
  returnDataBytesPerCall?: number;
  /** Distinct storage slots one call may touch (SLOAD/SSTORE). Default 64. */
  maxStorageSlotsPerCall?: number;
  /** Distinct accounts one call may query (BALANCE, EXT*, SELFBALANCE). Default 32. */
  maxAccountsPerCall?: number;
  /** Distinct transient storage keys one call may write. Default 32. */
  maxTransientSlotsPerCall?: number;
  /** Scratch (stack + memory) for the invocations of one dispatch; more calls run in further dispatches. Default 256 MiB. */
  maxScratchBytesPerDispatch?: number;
  /** Default `auto`. */
  kernel?: KernelMode;
  /** Compiled programs; default one cache per process (sharedProgramCache()). */
  programs?: ProgramCache;
  /** Kernels of a contract's own; see ContractKernelMode. */
  contractKernels?: ContractKernelMode;
  /** Where those kernels are kept; default one per device (contractKernels()). */
  contracts?: ContractKernels;
  /**
   * Which fragments a contract kernel holds: `all`, or `entered`, those one sample call
   * of the code entered (src/compiler/profile.ts; the program runs the rest). Default:
   * $EVMGPU_CONTRACT_FRAGMENTS, else `all` on a hardware adapter and `entered` on a
   * software one, where compile time grows much faster than the code.
   */
  contractFragments?: 'all' | 'entered';
  /** In `auto` mode, a code with at least this many calls in a dispatch is compiled before it. Default 16. */
  compileNowMinCalls?: number;
  /** In `auto` mode, a code is compiled once it has been seen in this many calls (counted across dispatches); rarer codes stay interpreted. Default 1: on first sight. */
  minCallsToCompile?: number;
}

let sharedPrograms: ProgramCache | undefined;

/** The process's program cache, on disk under defaultCacheDir(). */
export function sharedProgramCache(): ProgramCache {
  sharedPrograms ??= new ProgramCache();
  return sharedPrograms;
}

const WORKGROUP = 64;
const MAX_MEMORY = 16 << 20;

interface Limits extends PackOptions {
  readonly scratchBytes: number;
}

function checked(name: string, v: number, min: number, max: number, multiple = 1): number {
  if (!Number.isInteger(v) || v < min || v > max || v % multiple !== 0) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}]${multiple > 1 ? `, a multiple of ${multiple}` : ''}: ${v}`);
  }
  return v;
}

function limits(o: GpuExecutorOptions): Limits {
  return {
    stepBudget: checked('maxStepsPerDispatch', o.maxStepsPerDispatch ?? 1_000_000, 1, 0xffffffff),
    memoryBytes: checked('memoryBytesPerCall', o.memoryBytesPerCall ?? 64 << 10, 32, MAX_MEMORY, 32),
    logs: checked('maxLogsPerCall', o.maxLogsPerCall ?? 8, 0, 1 << 16),
    logDataBytes: checked('maxLogDataBytesPerCall', o.maxLogDataBytesPerCall ?? 2 << 10, 0, MAX_MEMORY, 4),
    returnBytes: checked('returnDataBytesPerCall', o.returnDataBytesPerCall ?? 1 << 10, 0, MAX_MEMORY, 4),
    journalEntries: checked('maxStorageSlotsPerCall', o.maxStorageSlotsPerCall ?? 64, 0, 1 << 16),
    accessedEntries: checked('maxAccountsPerCall', o.maxAccountsPerCall ?? 32, 0, 1 << 16),
    transientEntries: checked('maxTransientSlotsPerCall', o.maxTransientSlotsPerCall ?? 32, 0, 1 << 16),
    scratchBytes: checked('maxScratchBytesPerDispatch', o.maxScratchBytesPerDispatch ?? 256 << 20, 1, 2 ** 40),
  };
}

const pipelines = new WeakMap<GPUDevice, Promise<GPUComputePipeline>>();

/** The compiled interpreter, once per device: lavapipe takes seconds to compile it. */
export function interpreterPipeline(device: GPUDevice): Promise<GPUComputePipeline> {
  let p = pipelines.get(device);
  if (!p) {
    p = (async () => {
      const module = await compileWgsl(device, interpreterSource(), 'evm-interpreter');
      return device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    })();
    p.catch(() => pipelines.delete(device));
    pipelines.set(device, p);
  }
  return p;
}

const compiledPipelines = new WeakMap<GPUDevice, { pipeline: Promise<GPUComputePipeline>; ready?: GPUComputePipeline; ms?: number }>();

/** The compiled-program kernel, once per device; `ms` is its creation time once ready. */
function compiledPipelineState(device: GPUDevice) {
  let p = compiledPipelines.get(device);
  if (!p) {
    const t = performance.now();
    const entry: { pipeline: Promise<GPUComputePipeline>; ready?: GPUComputePipeline; ms?: number } = { pipeline: Promise.resolve() as never };
    entry.pipeline = (async () => {
      const module = await compileWgsl(device, compiledKernelSource(), 'evm-compiled');
      const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      entry.ready = pipeline;
      entry.ms = performance.now() - t;
      return pipeline;
    })();
    entry.pipeline.catch(() => compiledPipelines.delete(device));
    compiledPipelines.set(device, entry);
    p = entry;
  }
  return p;
}

export function compiledPipeline(device: GPUDevice): Promise<GPUComputePipeline> {
  return compiledPipelineState(device).pipeline;
}

/** Milliseconds the compiled-program kernel's pipeline took to create on this device, once it exists. */
export function compiledPipelineMs(device: GPUDevice): number | undefined {
  return compiledPipelines.get(device)?.ms;
}

export class GpuCallExecutor {
  private readonly limits: Limits;
  private readonly mode: KernelMode;
  private readonly compileNowMinCalls: number;
  private readonly minCallsToCompile: number;
  readonly programs: ProgramCache;
  readonly contractKernelMode: ContractKernelMode;
  private readonly contracts: ContractKernels;
  private readonly contractFragments: 'all' | 'entered';
  private readonly regions: RegionCaps & ReturnType<typeof regions>;
  private readonly buffers: GpuBufferCache;
  /** Groups run one at a time: they share the cached buffers. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: GpuContext,
    opts: GpuExecutorOptions = {},
  ) {
    this.limits = limits(opts);
    this.mode = opts.kernel ?? 'auto';
    this.compileNowMinCalls = opts.compileNowMinCalls ?? 16;
    this.minCallsToCompile = this.mode === 'compiled' ? 1 : opts.minCallsToCompile ?? 1;
    this.programs = opts.programs ?? sharedProgramCache();
    this.contractKernelMode = contractKernelMode(ctx, opts.contractKernels, this.mode);
    this.contracts = opts.contracts ?? contractKernels(ctx.device);
    this.contractFragments = opts.contractFragments ?? contractFragmentsDefault(ctx);
    this.regions = { ...this.limits, ...regions(this.limits) };
    this.buffers = new GpuBufferCache(ctx.device);
  }

  /** Compiles the kernel now rather than on the first execute(). */
  async warmUp(): Promise<void> {
    await interpreterPipeline(this.ctx.device);
    if (this.mode !== 'interpreter') await compiledPipeline(this.ctx.device);
  }

  /** Frees the cached device buffers (they are also freed with the device). */
  dispose(): void {
    this.buffers.dispose();
  }

  async execute(block: GpuBlockContext, state: GpuStateSnapshot, calls: GpuCall[]): Promise<GpuCallResult[]> {
    forkRow(block.fork);
    if (calls.length === 0) return [];
    const device = this.ctx.device;
    // Output regions are per call and read back whole: a group is as many calls as fit one binding.
    const perGroup = Math.max(1, Math.floor(maxBinding(device) / (this.regions.outWords * 4)));
    const results: GpuCallResult[] = [];
    for (let i = 0; i < calls.length; i += perGroup) {
      const group = calls.slice(i, i + perGroup);
      const run = this.queue.then(() => this.executeGroup(block, state, group));
      this.queue = run.catch(() => undefined);
      results.push(...(await run));
    }
    return results;
  }

  /**
   * The programs of a group's calls (undefined: interpreted), looked up once per code,
   * and whether the compiled-program kernel runs the group.
   */
  private choosePrograms(block: GpuBlockContext, calls: GpuCall[], counts: Map<Uint8Array, number>): (CompiledProgram | undefined)[] | undefined {
    if (this.mode === 'interpreter') return undefined;
    const byCode = new Map<Uint8Array, CompiledProgram | undefined>();
    for (const [code, n] of counts) {
      const isCreate = calls.find((c) => c.code === code)!.isCreate;
      const now = this.mode === 'compiled' || n >= this.compileNowMinCalls;
      byCode.set(code, this.programs.lookup(code, block.fork, { isCreate, calls: n, now, minCalls: this.minCallsToCompile }));
    }
    if (this.programs.pendingCount() > 0) setImmediate(() => this.programs.drain());
    if (![...byCode.values()].some(Boolean)) return undefined;
    const state = compiledPipelineState(this.ctx.device);
    if (this.mode === 'auto' && !state.ready) return undefined;
    return calls.map((c) => byCode.get(c.code));
  }

  /** Each call's kernel of its code's own, where one exists (or, in `wait` mode, once created). */
  private async chooseContractKernels(block: GpuBlockContext, state: GpuStateSnapshot, calls: GpuCall[], counts: Map<Uint8Array, number>): Promise<(GPUComputePipeline | undefined)[] | undefined> {
    if (this.contractKernelMode === 'off') return undefined;
    const byCode = new Map<Uint8Array, Promise<GPUComputePipeline | undefined> | GPUComputePipeline | undefined>();
    for (const [code, n] of counts) {
      if (!this.programs.peek(code, block.fork)) continue;
      const first = calls.find((c) => c.code === code)!;
      const sample: Sampler | undefined =
        this.contractFragments === 'entered' ? async (program) => enteredFragments(program, await sampleTrace(block, state, first)) : undefined;
      // All requested before any is awaited: the shader compiler works on them at once.
      if (this.contractKernelMode === 'wait') byCode.set(code, this.contracts.wait(code, block.fork, sample));
      else if (n >= this.compileNowMinCalls) byCode.set(code, this.contracts.request(code, block.fork, sample));
    }
    for (const [code, k] of byCode) byCode.set(code, await k);
    if (![...byCode.values()].some(Boolean)) return undefined;
    return calls.map((c) => byCode.get(c.code) as GPUComputePipeline | undefined);
  }

  private async executeGroup(block: GpuBlockContext, state: GpuStateSnapshot, unsorted: GpuCall[]): Promise<GpuCallResult[]> {
    const device = this.ctx.device;
    // Calls running the same code sit next to each other, so a workgroup's invocations
    // run one program and diverge only where their inputs make them.
    const order = unsorted.map((_, i) => i);
    const codeRank = new Map<Uint8Array, number>();
    unsorted.forEach((c) => codeRank.has(c.code) || codeRank.set(c.code, codeRank.size));
    order.sort((a, b) => codeRank.get(unsorted[a].code)! - codeRank.get(unsorted[b].code)! || a - b);
    const calls = order.map((i) => unsorted[i]);
    const counts = new Map<Uint8Array, number>();
    for (const c of calls) counts.set(c.code, (counts.get(c.code) ?? 0) + 1);
    const programs = this.choosePrograms(block, calls, counts);
    const contract = await this.chooseContractKernels(block, state, calls, counts);
    const shared = programs ? await compiledPipeline(device) : await interpreterPipeline(device);
    const pipelineOf = (i: number) => contract?.[i] ?? shared;
    // A contract kernel runs its code's program wherever it has no fragment of its own.
    const inBlob = contract ? calls.map((c, i) => (contract[i] ? this.programs.peek(c.code, block.fork) : programs?.[i])) : programs;
    const packed = withPrograms(packBatch(block, state, calls, this.limits), inBlob);
    const r = this.regions;
    const slots = Math.max(1, Math.min(calls.length, Math.floor(Math.min(this.limits.scratchBytes, maxBinding(device)) / (r.scratchWords * 4))));
    const outBytes = calls.length * r.outWords * 4;
    const input = (role: string, data: Uint32Array) => {
      const b = this.buffers.take(role, data.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      device.queue.writeBuffer(b, 0, data);
      return b;
    };
    const params = input('params', packed.params);
    const callBuf = input('calls', packed.calls);
    const blob = input('blob', packed.blob);
    const stateBuf = input('state', packed.state);
    const scratch = this.buffers.take('scratch', slots * r.scratchWords * 4, GPUBufferUsage.STORAGE);
    const out = this.buffers.take('out', outBytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    const read = this.buffers.take('read', outBytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);

    // Chunks of `slots` calls share the scratch buffer, one dispatch after another; a
    // chunk is split where its calls' kernel changes. Each dispatch reads its CHUNK
    // record at its own aligned offset of one buffer.
    const runs: { first: number; count: number; pipeline: GPUComputePipeline }[] = [];
    for (let k = 0; k < calls.length; k += slots) {
      const end = Math.min(calls.length, k + slots);
      for (let i = k; i < end; ) {
        let j = i + 1;
        while (j < end && pipelineOf(j) === pipelineOf(i)) j++;
        runs.push({ first: i, count: j - i, pipeline: pipelineOf(i) });
        i = j;
      }
    }
    const stride = Math.max(device.limits.minStorageBufferOffsetAlignment, CHUNK.words * 4) / 4;
    const chunkWords = new Uint32Array(runs.length * stride);
    runs.forEach((run, k) => {
      chunkWords[k * stride + CHUNK.offset.firstCall] = run.first;
      chunkWords[k * stride + CHUNK.offset.count] = run.count;
    });
    const chunkBuf = input('chunks', chunkWords);

    const enc = device.createCommandEncoder();
    runs.forEach((run, k) => {
      const buffers = { params, chunk: chunkBuf, calls: callBuf, blob, state: stateBuf, scratch, out };
      const bind = device.createBindGroup({
        layout: run.pipeline.getBindGroupLayout(0),
        entries: bindGroupEntries(buffers, { chunk: { offset: k * stride * 4, size: CHUNK.words * 4 } }),
      });
      const pass = enc.beginComputePass();
      pass.setPipeline(run.pipeline);
      pass.setBindGroup(0, bind);
      const groups = Math.ceil(run.count / WORKGROUP);
      const maxX = device.limits.maxComputeWorkgroupsPerDimension;
      pass.dispatchWorkgroups(Math.min(groups, maxX), Math.ceil(groups / maxX));
      pass.end();
    });
    enc.copyBufferToBuffer(out, 0, read, 0, outBytes);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ, 0, outBytes);
    try {
      // Unpacked straight from the mapping: every value it keeps is copied out of it.
      const words = new Uint32Array(read.getMappedRange(0, outBytes));
      const sorted = calls.map((call, i): GpuCallResult => ({
        ...unpackResult(words, i * r.outWords, r, call),
        stoppedAt: stopPoint(words, i * r.outWords),
        kernel: contract?.[i] ? 'contract' : programs?.[i] ? 'compiled' : 'interpreter',
      }));
      const results = new Array<GpuCallResult>(calls.length);
      order.forEach((original, i) => (results[original] = sorted[i]));
      return results;
    } finally {
      read.unmap();
    }
  }
}

function maxBinding(device: GPUDevice): number {
  return Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
}

const NO_PROGRAM = 0xffffffff;

/** Appends each distinct program to the blob once and points its calls at it (CALL.programAt). */
function withPrograms<T extends { calls: Uint32Array; blob: Uint32Array }>(packed: T, programs: (CompiledProgram | undefined)[] | undefined): T {
  if (!programs) return packed;
  const at = new Map<CompiledProgram, number>();
  let end = packed.blob.length;
  for (const p of programs) {
    if (p && !at.has(p)) {
      at.set(p, end);
      end += p.words.length;
    }
  }
  const blob = new Uint32Array(end);
  blob.set(packed.blob);
  for (const [p, o] of at) blob.set(p.words, o);
  programs.forEach((p, i) => (packed.calls[i * CALL.words + CALL.offset.programAt] = p ? at.get(p)! : NO_PROGRAM));
  return { ...packed, blob };
}
