import type { OutcomeCode } from '../evm/outcome.js';
import type { Fork } from '../model/fork.js';
import type { GpuContext } from './device.js';
import { forkRow, interpreterSource } from './interpreter-wgsl.js';
import { CHUNK, type RegionCaps, regions } from './layout.js';
import { packBatch, type PackOptions } from './pack.js';
import { GpuBufferCache } from './buffer-cache.js';
import { compileWgsl } from './u256-harness.js';
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

export class GpuCallExecutor {
  private readonly limits: Limits;
  private readonly regions: RegionCaps & ReturnType<typeof regions>;
  private readonly buffers: GpuBufferCache;
  /** Groups run one at a time: they share the cached buffers. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: GpuContext,
    opts: GpuExecutorOptions = {},
  ) {
    this.limits = limits(opts);
    this.regions = { ...this.limits, ...regions(this.limits) };
    this.buffers = new GpuBufferCache(ctx.device);
  }

  /** Compiles the kernel now rather than on the first execute(). */
  async warmUp(): Promise<void> {
    await interpreterPipeline(this.ctx.device);
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

  private async executeGroup(block: GpuBlockContext, state: GpuStateSnapshot, calls: GpuCall[]): Promise<GpuCallResult[]> {
    const device = this.ctx.device;
    const pipeline = await interpreterPipeline(device);
    const packed = packBatch(block, state, calls, this.limits);
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

    // Chunks of `slots` calls share the scratch buffer, one dispatch after another; each
    // reads its CHUNK record at its own aligned offset of one buffer.
    const chunks = Math.ceil(calls.length / slots);
    const stride = Math.max(device.limits.minStorageBufferOffsetAlignment, CHUNK.words * 4) / 4;
    const chunkWords = new Uint32Array(chunks * stride);
    for (let k = 0; k < chunks; k++) {
      chunkWords[k * stride + CHUNK.offset.firstCall] = k * slots;
      chunkWords[k * stride + CHUNK.offset.count] = Math.min(slots, calls.length - k * slots);
    }
    const chunkBuf = input('chunks', chunkWords);

    const enc = device.createCommandEncoder();
    for (let k = 0; k < chunks; k++) {
      const buffers = [params, chunkBuf, callBuf, blob, stateBuf, scratch, out];
      const bind = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: buffers.map((buffer, binding) => ({
          binding,
          resource: buffer === chunkBuf ? { buffer, offset: k * stride * 4, size: CHUNK.words * 4 } : { buffer },
        })),
      });
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bind);
      const groups = Math.ceil(Math.min(slots, calls.length - k * slots) / WORKGROUP);
      const maxX = device.limits.maxComputeWorkgroupsPerDimension;
      pass.dispatchWorkgroups(Math.min(groups, maxX), Math.ceil(groups / maxX));
      pass.end();
    }
    enc.copyBufferToBuffer(out, 0, read, 0, outBytes);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ, 0, outBytes);
    try {
      // Unpacked straight from the mapping: every value it keeps is copied out of it.
      const words = new Uint32Array(read.getMappedRange(0, outBytes));
      return calls.map((call, i) => ({ ...unpackResult(words, i * r.outWords, r, call), stoppedAt: stopPoint(words, i * r.outWords) }));
    } finally {
      read.unmap();
    }
  }
}

function maxBinding(device: GPUDevice): number {
  return Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
}
