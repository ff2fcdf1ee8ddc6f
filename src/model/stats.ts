import type { Fork } from './fork.js';
import type { StateSourceLoads } from './state-source.js';

/**
 * Where an engine's GPU route stands (GET /healthz `gpu`, /metrics `evmgpu_gpu_route`):
 * no executors yet, executors being made (batches of engines that may run on the CPU
 * take the CPU routes meanwhile), made; `none` for an engine without a GPU route.
 */
export const GPU_ROUTE_STATES = ['closed', 'preparing', 'ready', 'none'] as const;
export type GpuRouteState = (typeof GPU_ROUTE_STATES)[number];

/**
 * A batch result's `stats`, typed per engine family: the sequential reference, and
 * the engines built on the speculation core (`auto`, `cpu`, `gpu`,
 * `gpu-interpreter`), told apart by `mode`.
 */
interface StatsBase {
  /** The engine asked for. */
  engine: string;
  txs: number;
  included: number;
  rejected: number;
  /** How many included transactions each engine label executed (`gpu`, `cpu`, `host`, `mixed`, `reference`). */
  engines: Record<string, number>;
  /** Milliseconds per phase (setup, execute, diff, roots, ...). */
  timingsMs: Record<string, number>;
}

export interface SequentialStats extends StatsBase {
  mode: 'sequential';
  /** Set when a speculative engine ran the batch sequentially: receipts before this fork carry per-transaction state roots. */
  sequentialBefore?: Fork;
}

/** One GPU wave: what it ran and where its time went, in milliseconds. */
export interface WaveStats {
  /** Frames it ran: every GPU frame in the first wave; the stale frame and those picked with it in a rerun wave. */
  frames: number;
  /** Submits to the device: one per group of frames, and more for frames run again with more room or steps, or with host precompile answers. */
  submits: number;
  /** Rounds of host precompile answers, each running the frames that asked again. */
  hostRounds: number;
  /** The wave's wall time, host precompile answers included; the state snapshot it runs on is made before it. */
  ms: number;
  /** Before the submits: the kernel plan (a pipeline created at first sight), packing and uploads. */
  prepareMs: number;
  /** From the submits until the results were mapped: the kernels and the read-back. */
  deviceMs: number;
  unpackMs: number;
}

/** What the speculation core did with a batch. */
export interface SpeculationStats {
  /** GPU dispatch waves: the first, plus each rerun wave (stale frames run again against the committed state). */
  waves: number;
  /** The first 64 waves (`waves` counts them all), in the order they ran (speculation/stats.ts: PER_WAVE_MAX). */
  perWave: WaveStats[];
  /** Frames in the first wave. */
  gpuFrames: number;
  /** Frames run in rerun waves. */
  rerunFrames: number;
  /** Of those, frames that started from slot values a chain predicts (a hot slot's links run in one wave: speculation/chained-slots.ts). */
  chainedFrames: number;
  /** Precompile calls inside GPU frames that the host ran (ethereumjs's precompiles) and answered, the frame then resumed on the GPU. */
  hostPrecompiles: number;
  /** Transactions committed from a GPU frame (the first wave's or a rerun's). */
  gpuCommitted: number;
  /** Of those, the ones committed from a rerun wave's frame. */
  gpuReruns: number;
  /** Transactions that run no frame (value transfers, empty creates), done by the host's rules. */
  hostTransfers: number;
  /** Transactions speculated on CPU worker threads, and how many of those committed as speculated. */
  speculated: number;
  committedSpeculative: number;
  /** Worker transactions re-executed on the main thread because their reads went stale. */
  reexecuted: number;
  /** The same count, by its usual name. */
  conflicts: number;
  /** Transactions run in order on the main thread without speculation (same-sender successors, hot contracts, no workers). */
  inline: number;
  /**
   * Re-executions the exec thread had already run when the commit asked: in a row of
   * re-executions it runs the next transaction while the main thread commits the one
   * before (workers/off-thread.ts).
   */
  reexecutedAhead: number;
  /** Contracts whose transactions stopped being speculated after repeated conflicts. */
  hotTargets: number;
  /** Worker tasks sent. */
  tasks: number;
  /** Why transactions left the route planned for them, by reason. */
  fallbacks: Record<string, number>;
}

export interface SpeculativeStats extends StatsBase {
  mode: 'speculative';
  /** CPU worker threads that speculated (0: none did). */
  workers: number;
  speculation: SpeculationStats;
  /** With a state source (src/model/state-source.ts): what was read through it, on the main thread. */
  stateSource?: StateSourceLoads;
}

export type BatchStats = SequentialStats | SpeculativeStats;
