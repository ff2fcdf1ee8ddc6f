import { ServiceError } from '../errors/service-error.js';
import type { GpuBlockContext } from '../gpu/abi.js';
import { GpuCallExecutor } from '../gpu/executor.js';
import { warmUpGpuHasher } from '../gpu/keccak-batch.js';
import type { KernelMode } from '../gpu/kernel-policy.js';
import { ROOMY_LIMITS } from '../gpu/limits.js';
import type { GpuRuntime, GpuSession } from '../gpu/runtime.js';
import type { WaveExecutors } from './wave.js';

/**
 * How an engine uses the GPU route: which kernels, whether a stale frame runs again on
 * the GPU or on the CPU, whether frames that overflow the default scratch get more
 * room, and whether a missing device fails the batch or sends it to the CPU routes.
 */
export interface GpuRouteConfig {
  kernel: KernelMode;
  rerunStale: boolean;
  escalateScratch: boolean;
  required: boolean;
}

/**
 * A stale frame is rerun on the GPU only while the state is small: each rerun uploads
 * the whole state (measured on lavapipe: about 2.5 ms per rerun at 3,000 entries,
 * against about 1 ms for an ERC-20 transfer on ethereumjs). Accounts plus slots.
 */
export const GPU_RERUN_MAX_STATE_ENTRIES = 1024;

/**
 * Opens the GPU for a batch: the runtime's session and this engine's executors on it,
 * made and warmed once per session (lavapipe compiles a kernel at its first dispatch:
 * seconds that would otherwise land in the first real wave).
 */
export async function openGpuRoute(runtime: GpuRuntime, config: GpuRouteConfig, engine: string): Promise<{ session: GpuSession; executors: WaveExecutors } | undefined> {
  let session: GpuSession;
  try {
    session = await runtime.session();
  } catch (e) {
    if (config.required) throw new ServiceError('ENGINE_UNAVAILABLE', [engine, (e as Error).message]);
    return undefined;
  }
  const key = `speculation:${config.kernel}:${config.escalateScratch}`;
  const ready = session.memo(key, async (): Promise<WaveExecutors> => {
    const policy = session.policy(config.kernel);
    const main = new GpuCallExecutor(session.device, policy);
    await warmUpGpuHasher(session);
    await warmUpFrames(main);
    return { main, ...(config.escalateScratch ? { roomy: new GpuCallExecutor(session.device, policy, ROOMY_LIMITS) } : {}) };
  });
  ready.catch(() => session.forget(key));
  return { session, executors: await ready };
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
