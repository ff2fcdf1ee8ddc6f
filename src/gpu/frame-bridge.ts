import { EVMError, type ExecResult, type Message } from '@ethereumjs/evm';
import type { VM } from '@ethereumjs/vm';
import { Address, bigIntToBytes } from '@ethereumjs/util';
import { slotKey } from '../chain/recording-state.js';
import type { FrameExecutor } from '../engine/reference.js';
import { ethereumjsErrorOf, isSuccess, needsHost, Outcome, outcomeName, type OutcomeCode } from '../evm/outcome.js';
import { hexToBytes } from '../primitives/hex.js';
import type { GpuBlockContext, GpuCall, GpuCallExecutor, GpuCallResult, GpuStateSnapshot } from './call-executor.js';
import { readsStillValid, sameFrame, type ReadCheck } from './frame-predictor.js';

/** A frame run ahead of time in the speculative wave, against `snapshot`. */
export interface SpeculativeFrame {
  call: GpuCall;
  result: GpuCallResult;
}

type FrameRunner = (message: Message, opts?: { initialLogs?: unknown[] }) => Promise<ExecResult>;

/** The parts of ethereumjs's EVM the bridge reaches into (protected or private there). */
interface EvmInternals {
  runInterpreter: FrameRunner;
  _tx?: { gasPrice: bigint; origin: Address };
  journal: { journal: Map<string, Set<string>>; alwaysWarmJournal: Map<string, Set<string>> };
}

/**
 * Runs top-level frames on the GPU inside ethereumjs's transaction pipeline. runTx
 * still does everything around the frame (validation, nonce, up-front fee, value
 * transfer, intrinsic gas, refund cap, fee payment, receipts), so those are the
 * reference's by construction; only the bytecode of the depth-0 frame (a call's code
 * or a create's init code) runs in the interpreter kernel. A frame the GPU cannot
 * finish (host opcodes, budget, scratch, a lost device) is rerun from its start on
 * ethereumjs: the GPU wrote nothing, so the result is the same.
 */
export class GpuFrameBridge implements FrameExecutor {
  private frames = { gpu: 0, cpu: 0 };
  private txIndex = -1;
  private readonly clock = { gpuMs: 0, snapshotMs: 0, validateMs: 0 };
  /** Frames whose speculative result was used, and frames rerun because it was stale. */
  readonly speculation = { used: 0, rerun: 0 };
  /** Why frames went back to the CPU, by outcome name (or 'device-error'). */
  readonly fallbacks: Record<string, number> = {};

  constructor(
    /** Executors with growing scratch: a frame that overflows one is retried on the next. */
    private readonly executors: readonly GpuCallExecutor[],
    private readonly block: GpuBlockContext,
    private readonly snapshot: () => Promise<GpuStateSnapshot>,
    private readonly now: ReadCheck,
    private readonly wave: { snapshot: GpuStateSnapshot; frames: Map<number, SpeculativeFrame> } | undefined,
    private readonly extraTimings: Record<string, number> = {},
    /** Whether a single frame may be rerun on the GPU: each rerun uploads the whole state. */
    private readonly rerunOnGpu = true,
  ) {}

  beginTx(index: number): void {
    this.txIndex = index;
  }

  install(vm: VM): void {
    const evm = vm.evm as unknown as EvmInternals;
    const cpu: FrameRunner = evm.runInterpreter.bind(evm);
    evm.runInterpreter = async (message, opts) => {
      // Nested frames only exist on the CPU path; synthetic initial logs (EIP-7708) are the CPU's too.
      if ((message.depth ?? 0) === 0 && !(opts?.initialLogs?.length)) {
        const result = await this.tryGpu(evm, message);
        if (result) {
          this.frames.gpu++;
          return result;
        }
      }
      this.frames.cpu++;
      return cpu(message, opts);
    };
  }

  takeTxEngine(): string {
    const { gpu, cpu } = this.frames;
    this.frames = { gpu: 0, cpu: 0 };
    return gpu > 0 && cpu === 0 ? 'gpu' : gpu > 0 ? 'mixed' : 'cpu';
  }

  timings(): Record<string, number> {
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    return { ...this.extraTimings, gpu: round(this.clock.gpuMs), snapshot: round(this.clock.snapshotMs), validate: round(this.clock.validateMs) };
  }

  stats(): Record<string, unknown> {
    return { gpuFallbacks: { ...this.fallbacks }, speculation: { ...this.speculation } };
  }

  private fallback(reason: string): undefined {
    this.fallbacks[reason] = (this.fallbacks[reason] ?? 0) + 1;
    return undefined;
  }

  /** The wave's result for this frame, if its inputs match and everything it read still holds. */
  private async speculative(call: GpuCall): Promise<GpuCallResult | undefined> {
    const spec = this.wave?.frames.get(this.txIndex);
    if (!spec || needsHost(spec.result.outcome as OutcomeCode)) return undefined;
    const t = performance.now();
    const valid = sameFrame(spec.call, call) && (await readsStillValid(spec.result, this.wave!.snapshot, this.now));
    this.clock.validateMs += performance.now() - t;
    if (valid) this.speculation.used++;
    else this.speculation.rerun++;
    return valid ? spec.result : undefined;
  }

  private async tryGpu(evm: EvmInternals, message: Message): Promise<ExecResult | undefined> {
    const call = frameCall(evm, message);
    const spec = await this.speculative(call);
    if (spec) return applyFrameResult(evm, message, spec, spec.outcome as OutcomeCode);
    if (!this.rerunOnGpu) return this.fallback('stale-on-large-state');
    // The wave already showed the first executor's scratch is too small for this frame.
    const waveOutcome = this.wave?.frames.get(this.txIndex)?.result.outcome;
    let outcome: OutcomeCode = Outcome.ScratchExhausted;
    try {
      let t = performance.now();
      const state = await this.snapshot();
      this.clock.snapshotMs += performance.now() - t;
      for (const executor of this.executors.slice(waveOutcome === Outcome.ScratchExhausted ? 1 : 0)) {
        t = performance.now();
        const [result] = await executor.execute(this.block, state, [call]);
        this.clock.gpuMs += performance.now() - t;
        outcome = result.outcome as OutcomeCode;
        if (!needsHost(outcome)) return applyFrameResult(evm, message, result, outcome);
        if (outcome !== Outcome.ScratchExhausted) break;
      }
    } catch {
      // A lost or failing device: the CPU path gives the identical result.
      return this.fallback('device-error');
    }
    return this.fallback(outcomeName(outcome));
  }
}

function frameCall(evm: EvmInternals, message: Message): GpuCall {
  const warmAddresses: Uint8Array[] = [];
  const warmSlots: GpuCall['warmSlots'] = [];
  // Warm sets at frame start: what runTx warmed (origin, target, coinbase, precompiles, access list).
  for (const map of [evm.journal.journal, evm.journal.alwaysWarmJournal]) {
    for (const [addr, slots] of map) {
      const address = hexToBytes(`0x${addr}`);
      warmAddresses.push(address);
      for (const slot of slots) warmSlots.push({ address, slot: BigInt(`0x${slot || '0'}`) });
    }
  }
  return {
    address: message.to!.bytes,
    caller: message.caller.bytes,
    origin: evm._tx!.origin.bytes,
    value: message.value,
    data: message.data,
    gasPrice: evm._tx!.gasPrice,
    gas: message.gasLimit,
    code: message.code as Uint8Array,
    isCreate: message.isCreate ?? false,
    warmAddresses,
    warmSlots,
    blobVersionedHashes: (message.blobVersionedHashes ?? []).map((h) => (typeof h === 'string' ? hexToBytes(h) : h)),
  };
}

/** The GPU's frame result in the shape ethereumjs's runInterpreter returns, with its writes applied. */
async function applyFrameResult(evm: EvmInternals, message: Message, r: GpuCallResult, outcome: OutcomeCode): Promise<ExecResult> {
  const sm = (evm as unknown as { stateManager: { putStorage(a: Address, k: Uint8Array, v: Uint8Array): Promise<void> } }).stateManager;
  const ok = isSuccess(outcome);
  if (ok) {
    for (const w of r.storageWrites) {
      // As SSTORE does: zero is written as empty bytes (a deletion in the trie).
      await sm.putStorage(new Address(w.address), slotKey(w.slot), w.value === 0n ? new Uint8Array(0) : bigIntToBytes(w.value));
    }
  }
  const error = ethereumjsErrorOf(outcomeName(outcome));
  return {
    returnValue: r.returnData,
    executionGasUsed: message.gasLimit - r.gasLeft,
    gas: r.gasLeft,
    gasRefund: ok ? (message.gasRefund ?? 0n) + r.refund : 0n,
    logs: ok ? r.logs.map((l) => [l.address, l.topics, l.data]) : [],
    selfdestruct: ok ? message.selfdestruct ?? new Map() : new Map(),
    createdAddresses: ok ? message.createdAddresses ?? new Set() : new Set(),
    ...(error !== undefined ? { exceptionError: new EVMError(error as never) } : {}),
  };
}
