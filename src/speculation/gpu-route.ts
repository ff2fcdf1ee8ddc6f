import { ServiceError } from '../errors/service-error.js';
import type { GpuBlockContext, GpuStateSnapshot } from '../gpu/abi.js';
import { GpuCallExecutor } from '../gpu/executor.js';
import { warmUpGpuHasher } from '../gpu/keccak-batch.js';
import type { KernelMode } from '../gpu/kernel-policy.js';
import { MORE_ROOM, UNBOUNDED_STEPS } from '../gpu/limits.js';
import type { GpuRuntime, GpuSession } from '../gpu/runtime.js';
import type { GpuRouteState } from '../model/stats.js';
import { MAX_HOST_ANSWERS } from './host-calls.js';
import type { WaveExecutors } from './wave.js';

/**
 * How an engine uses the GPU route: which kernels, whether a stale frame runs again on
 * the GPU or on the CPU, whether frames that overflow the default scratch get more
 * room, and whether a missing device fails the batch or sends it to the CPU routes.
 */
export interface GpuRouteConfig {
  kernel: KernelMode;
  /** Stale frames: run again on the CPU, in GPU rerun waves where those are expected to cost less (rerunCheaper), or always on the GPU. */
  rerunStale: 'never' | 'cheaper' | 'always';
  escalateScratch: boolean;
  required: boolean;
  /** Precompile calls answered by the host and replayed: as many as the kernels take (MAX_HOST_ANSWERS), or as many as measured cheaper than the CPU (hostAnswers). */
  hostAnswers: 'all' | 'cheaper';
}

/**
 * What a rerun wave is expected to cost, against ethereumjs re-executing its frames
 * on the exec thread, in milliseconds. Fitted by least squares on this project's
 * 2-core machine with lavapipe (2026-12-04: 2,984 rerun waves and 2,358 re-executions
 * over the Berlin+ mainnet blocks, uniswap-swap and uniswap-hot at 2,000
 * transactions): a wave packed and uploaded the whole committed state (accounts plus
 * slots), then ran its frames; ethereumjs pays a fixed cost per transaction, then its
 * steps. Steps are those of the frame's previous run. Since the waves of a batch patch
 * resident tables (gpu/resident-tables.ts), the per-entry term overstates a wave: the
 * model errs towards ethereumjs until it is fitted again.
 */
export const RERUN_COST = { waveMs: 4, perThousandEntriesMs: 1.6, gpuPerThousandStepsMs: 0.5, txMs: 2.5, cpuPerThousandStepsMs: 1.6 } as const;

/** Whether a rerun wave of frames with these step counts, over a state of `entries`, is expected to cost less than ethereumjs. */
export function rerunCheaper(entries: number, steps: readonly number[]): boolean {
  const c = RERUN_COST;
  const total = steps.reduce((a, s) => a + s, 0) / 1000;
  const gpu = c.waveMs + (entries / 1000) * c.perThousandEntriesMs + total * c.gpuPerThousandStepsMs;
  const cpu = steps.length * c.txMs + total * c.cpuPerThousandStepsMs;
  return gpu <= cpu;
}

/**
 * Host answers a frame gets before its transaction is left to the CPU. Each answer
 * costs the frames that asked a replay from their start in one more dispatch, and the
 * wave waits for the last of them. On lavapipe that is dearer than the CPU after two:
 * the nine mainnet blocks EDR runs (engine auto, best of three passes each, four runs
 * alternating, 2026-12-05) took 3,877-4,153 ms in all with two answers, 4,066-4,186 with
 * four and 4,247-4,811 with eight; none (every precompile call to the CPU) 3,994-4,035.
 * On a hardware GPU a round is a dispatch of well under a millisecond: not measured
 * against the CPU there, so frames keep every answer the kernels take.
 */
export const SOFTWARE_HOST_ANSWERS = 2;

export function hostAnswers(config: GpuRouteConfig, software: boolean): number {
  return config.hostAnswers === 'cheaper' && software ? SOFTWARE_HOST_ANSWERS : MAX_HOST_ANSWERS;
}

export function stateEntries(snapshot: GpuStateSnapshot): number {
  let entries = snapshot.accounts.size;
  for (const a of snapshot.accounts.values()) entries += a.storage.size;
  return entries;
}

/**
 * Step budgets a frame past the default one (1,000,000 opcodes) is run again with, in
 * turn, from the start: the last is unbounded, since every opcode that does not end a
 * frame costs gas and the frame's gas bounds it (the 30M-gas loop runs on the GPU end
 * to end). Each is 16 times the one before, so the runs that ran out waste at most a
 * fifteenth of the last; the batch's abort signal is checked between them.
 */
export const LONG_STEP_BUDGETS: readonly number[] = [16_000_000, 256_000_000, UNBOUNDED_STEPS];

/** The GPU route of a batch: the runtime's session and this engine's executors on it. */
export interface GpuRoute {
  session: GpuSession;
  executors: WaveExecutors;
}

/** The executors of one session, being made or made: `ready` is set once `made` resolved. */
interface Preparation {
  made: Promise<WaveExecutors>;
  ready: boolean;
}

/**
 * Opens the GPU for a batch: the runtime's session and this engine's executors on it,
 * made and warmed once per session (lavapipe compiles a kernel at its first dispatch:
 * seconds that would otherwise land in the first real wave). With `wait` false, a route
 * whose kernels are still being made answers 'preparing' at once and the making goes
 * on: an engine that may run on the CPU does not hold a batch for a compile (on a cold
 * lavapipe cache, 94 s for the kernels of `auto`). Undefined: no device, for an engine
 * that does not require one.
 */
export async function openGpuRoute(runtime: GpuRuntime, config: GpuRouteConfig, engine: string, wait = true): Promise<GpuRoute | 'preparing' | undefined> {
  let session: GpuSession;
  try {
    session = await runtime.session();
  } catch (e) {
    if (config.required) throw new ServiceError('ENGINE_UNAVAILABLE', [engine, (e as Error).message]);
    return undefined;
  }
  const key = routeKey(config);
  const prep = session.memo(key, (): Preparation => {
    const made = makeExecutors(session, config);
    const p: Preparation = { made, ready: false };
    made.then(() => void (p.ready = true), () => session.forget(key));
    return p;
  });
  if (!wait && !prep.ready) return 'preparing';
  return { session, executors: await prep.made };
}

/** Where a route stands (GPU_ROUTE_STATES): no session or no executors yet, executors being made, or made. */
export function gpuRouteState(runtime: GpuRuntime, config: GpuRouteConfig): GpuRouteState {
  const prep = runtime.current()?.peek<Preparation>(routeKey(config));
  return prep === undefined ? 'closed' : prep.ready ? 'ready' : 'preparing';
}

function routeKey(config: GpuRouteConfig): string {
  return `speculation:${config.kernel}:${config.escalateScratch}`;
}

async function makeExecutors(session: GpuSession, config: GpuRouteConfig): Promise<WaveExecutors> {
  const policy = session.policy(config.kernel);
  const main = new GpuCallExecutor(session.device, policy);
  await warmUpGpuHasher(session);
  await warmUpFrames(main);
  const longer = LONG_STEP_BUDGETS.map((maxStepsPerDispatch) => new GpuCallExecutor(session.device, policy, { maxStepsPerDispatch }));
  return { main, longer, ...(config.escalateScratch ? { rooms: MORE_ROOM.map((l) => new GpuCallExecutor(session.device, policy, l)) } : {}) };
}

/** A trivial frame, often enough for every kernel it uses to be compiled. */
async function warmUpFrames(executor: GpuCallExecutor): Promise<void> {
  await executor.warmUp();
  const zero = new Uint8Array(20);
  const block: GpuBlockContext = { fork: 'Prague', coinbase: zero, number: 1n, timestamp: 1n, gasLimit: 30_000_000n, chainId: 1n, baseFee: 0n, prevRandao: 0n, blobBaseFee: 1n, blockHashes: new Map() };
  // PUSH1 1 POP STOP
  const call = { address: zero, caller: zero, origin: zero, value: 0n, data: new Uint8Array(0), gasPrice: 0n, gas: 100_000n, code: Uint8Array.of(0x60, 0x01, 0x50, 0x00), isCreate: false, warmAddresses: [], warmSlots: [], blobVersionedHashes: [] };
  await executor.execute(block, { accounts: new Map() }, Array(64).fill(call));
}
