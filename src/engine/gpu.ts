import { Address, bytesToBigInt } from '@ethereumjs/util';
import { slotKey } from '../chain/recording-state.js';
import { isRejection } from '../chain/transaction.js';
import { ServiceError } from '../errors/service-error.js';
import { GpuCallExecutor, type GpuBlockContext, type KernelMode } from '../gpu/call-executor.js';
import { closeGpu, gpuContext } from '../gpu/device.js';
import { gpuBlockContext } from '../gpu/block-context.js';
import { GpuFrameBridge, type SpeculativeFrame } from '../gpu/frame-bridge.js';
import { predictFrame, type ReadCheck } from '../gpu/frame-predictor.js';
import { LiveSnapshot, snapshotState } from '../gpu/state-snapshot.js';
import { forkAtLeast, type Fork } from '../model/fork.js';
import { since } from './engine.js';
import { ReferenceEngine, type FrameExecutor, type SequentialContext } from './reference.js';

/** The interpreter kernel implements the rules from Berlin (EIP-2929 access costs) on. */
export const GPU_MIN_FORK: Fork = 'Berlin';

/** Scratch for frames that overflow the default (one call per dispatch, so size is cheap). */
const ROOMY = {
  memoryBytesPerCall: 4 << 20,
  maxLogsPerCall: 1024,
  maxLogDataBytesPerCall: 1 << 20,
  returnDataBytesPerCall: 1 << 20,
  maxStorageSlotsPerCall: 4096,
  maxAccountsPerCall: 1024,
  maxTransientSlotsPerCall: 4096,
};

/**
 * Rerunning one frame on the GPU uploads the whole state, so past this many accounts
 * plus slots a stale frame is cheaper on the CPU (measured on lavapipe: about 2.5 ms
 * per GPU rerun at 3,000 entries, against about 1 ms for an ERC-20 transfer on
 * ethereumjs). Rerunning stale frames together in further waves is issue #5's work.
 */
const GPU_RERUN_MAX_STATE_ENTRIES = 1024;

/** Older forks run every frame on the CPU, labelled as such. */
const CPU_ONLY: FrameExecutor = { takeTxEngine: () => 'cpu', timings: () => ({}) };

/**
 * Engine `gpu`: the reference's transaction pipeline with every top-level frame run
 * on the GPU, through its code's compiled program (src/compiler) once there is one and
 * the WGSL interpreter kernel otherwise; frames the GPU cannot finish go to the CPU.
 * Engine `gpu-interpreter` is the same with the interpreter kernel only. Each result
 * says where its frame ran: `gpu`, `cpu` or `mixed`.
 *
 * Frames first run together in one speculative wave against the batch's starting
 * state. During the sequential pass a frame takes its wave result only if its inputs
 * are the predicted ones and nothing it read has changed; otherwise it is rerun on the
 * GPU against the current state.
 */
export interface GpuEngineOptions {
  /** Default `gpu`. */
  name?: string;
  /** Which kernel runs frames (GpuCallExecutor's `kernel`); default `auto`: compiled programs where available. */
  kernel?: KernelMode;
}

export class GpuEngine extends ReferenceEngine {
  override readonly name: string;
  override readonly description: string;
  private readonly kernel: KernelMode;
  private executors: Promise<GpuCallExecutor[]> | undefined;

  constructor(opts: GpuEngineOptions = {}) {
    super();
    this.name = opts.name ?? 'gpu';
    this.kernel = opts.kernel ?? 'auto';
    this.description =
      this.kernel === 'interpreter'
        ? 'WGSL interpreter kernel for top-level frames; CPU (ethereumjs) for what needs the host'
        : 'top-level frames on the GPU, each code compiled once into a program of straight-line fragments (src/compiler), the WGSL interpreter for the rest; CPU (ethereumjs) for what needs the host';
  }

  /** The default executor for the wave, then one with room for memory-, log- and return-heavy frames. */
  private getExecutors(): Promise<GpuCallExecutor[]> {
    const executors = (this.executors ??= gpuContext().then((ctx) => {
      // After a device loss the next batch starts over on a fresh device.
      void ctx.device.lost.then(() => {
        if (this.executors === executors) this.executors = undefined;
      });
      return [new GpuCallExecutor(ctx, { kernel: this.kernel }), new GpuCallExecutor(ctx, { ...ROOMY, kernel: this.kernel })];
    }));
    executors.catch(() => {
      if (this.executors === executors) this.executors = undefined;
    });
    return executors;
  }

  protected override async attachFrameExecutor(vm: Parameters<ReferenceEngine['attachFrameExecutor']>[0], ctx: SequentialContext): Promise<FrameExecutor> {
    if (!forkAtLeast(ctx.batch.fork, GPU_MIN_FORK)) return CPU_ONLY;
    let executors: GpuCallExecutor[];
    try {
      executors = await this.getExecutors();
    } catch (e) {
      throw new ServiceError('ENGINE_UNAVAILABLE', ['gpu', (e as Error).message]);
    }
    const block = gpuBlockContext(ctx.batch, ctx.block);
    const t = performance.now();
    // Without a wave (device lost while running it) every frame is tried singly, then on the CPU.
    const wave = await speculativeWave(vm, ctx, executors[0], block).catch(() => undefined);
    const waveMs = since(t);
    // Reruns read a copy of the starting state kept current with the writes since.
    const live = new LiveSnapshot(ctx.stateManager, wave?.snapshot ?? (await snapshotState(ctx.stateManager, ctx.batch.pre)));
    const sm = ctx.stateManager;
    const now: ReadCheck = {
      storage: async (a, slot) => bytesToBigInt(await sm.getStorage(new Address(a), slotKey(slot))),
      account: (a) => sm.getAccount(new Address(a)),
    };
    const bridge = new GpuFrameBridge(executors, block, () => live.current(), now, wave, { wave: waveMs }, live.entries() <= GPU_RERUN_MAX_STATE_ENTRIES);
    bridge.install(vm);
    return bridge;
  }

  async close(): Promise<void> {
    if (this.executors) await closeGpu();
    this.executors = undefined;
  }
}

/** Every predictable frame of the batch, run at once against the starting state. */
async function speculativeWave(
  vm: Parameters<ReferenceEngine['attachFrameExecutor']>[0],
  ctx: SequentialContext,
  executor: GpuCallExecutor,
  block: GpuBlockContext,
): Promise<{ snapshot: Awaited<ReturnType<typeof snapshotState>>; frames: Map<number, SpeculativeFrame> }> {
  const snapshot = await snapshotState(ctx.stateManager, ctx.batch.pre);
  const precompiles = [...(vm.evm as unknown as { precompiles: Map<string, unknown> }).precompiles.keys()].map((k) => k.replace(/^0x/, ''));
  const indexed: { index: number; call: NonNullable<ReturnType<typeof predictFrame>> }[] = [];
  ctx.prepared.forEach((prepared, index) => {
    if (isRejection(prepared)) return;
    const call = predictFrame({ tx: prepared.tx, sender: prepared.sender, common: ctx.common, block: ctx.block, precompiles }, snapshot);
    if (call) indexed.push({ index, call });
  });
  const frames = new Map<number, SpeculativeFrame>();
  if (indexed.length === 0) return { snapshot, frames };
  const results = await executor.execute(block, snapshot, indexed.map((x) => x.call));
  indexed.forEach(({ index, call }, i) => frames.set(index, { call, result: results[i] }));
  return { snapshot, frames };
}
