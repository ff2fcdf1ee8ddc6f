import type { PackOptions } from './pack.js';

/**
 * What one invocation may use, checked once when an executor is made. Each limit
 * sizes a region of the invocation's scratch or output (src/gpu/layout.ts); a call
 * that needs more ends ScratchExhausted (or BudgetExhausted for steps) and the engine
 * runs it elsewhere, or again with more room.
 */
export interface GpuLimitOptions {
  /** Opcodes one invocation may run in a dispatch before BudgetExhausted. Default 1,000,000. */
  maxStepsPerDispatch?: number;
  /** EVM memory per call, shared by its frames (a frame's memory starts where its caller's ends); growing past it is ScratchExhausted. Default 64 KiB, a multiple of 32, at most 16 MiB. */
  memoryBytesPerCall?: number;
  /** Stack items per call, shared by its frames as memory is. Default 1024 (one full EVM stack). */
  maxStackItemsPerCall?: number;
  /** Call depth one call may reach on the GPU (the EVM allows 1,024); a deeper frame is ScratchExhausted. Default 32. */
  maxCallDepthPerCall?: number;
  /** Changes made inside call frames that a failing frame may have to roll back. Default 128. */
  maxUndoEntriesPerCall?: number;
  /** Bytes of code the creates of one call may deposit. Default 1 KiB, a multiple of 4. */
  maxCreatedCodeBytesPerCall?: number;
  /** Default 8. */
  maxLogsPerCall?: number;
  /** Default 2 KiB, a multiple of 4. */
  maxLogDataBytesPerCall?: number;
  /** Default 1 KiB, a multiple of 4. */
  returnDataBytesPerCall?: number;
  /** Distinct storage slots one call may touch (SLOAD/SSTORE). Default 64. */
  maxStorageSlotsPerCall?: number;
  /** Distinct accounts one call may touch (BALANCE, EXT*, calls, creates, value transfers). Default 32. */
  maxAccountsPerCall?: number;
  /** Distinct transient storage keys one call may write. Default 32. */
  maxTransientSlotsPerCall?: number;
  /** Scratch (stack, memory and frame records) for the invocations of one dispatch; more calls run in further dispatches. Default 256 MiB. */
  maxScratchBytesPerDispatch?: number;
  /**
   * Bytes of a group's output mapped at once when it is read back; a window holds at
   * least two calls. Default 16 MiB: V8 counts a mapped range as external memory, and
   * 64 MiB more of that than the last full collection left starts a full mark of the heap.
   */
  readBackWindowBytes?: number;
}

/**
 * The room a block's frames start in, and the first that frames overflowing the
 * defaults escalate to. The defaults are sized for the output of waves of 10^4
 * transfers and swaps (about 14 KiB a call, read back whole); a mainnet block's router
 * calls and multi-hop swaps pass them, mostly by their logs (9 to 23 Transfer, Sync and
 * Swap logs where the default holds 8), then by return data, log data and slots. Each
 * such frame ran once in the default room, failed, and ran again from its start: on the
 * nine mainnet blocks EDR runs, 412 ms of device time a pass of 2 s went to those
 * second runs. This room holds all of them but a block's few outliers (an airdrop's
 * 10,001 logs), at about 60 KiB of output a call.
 */
export const BLOCK_LIMITS: Readonly<GpuLimitOptions> = Object.freeze({
  memoryBytesPerCall: 256 << 10,
  maxCallDepthPerCall: 64,
  maxUndoEntriesPerCall: 512,
  maxLogsPerCall: 32,
  maxLogDataBytesPerCall: 8 << 10,
  returnDataBytesPerCall: 16 << 10,
  maxStorageSlotsPerCall: 256,
  maxAccountsPerCall: 64,
  maxTransientSlotsPerCall: 64,
});

/**
 * Waves of at most this many calls start in the first room past the defaults
 * (BLOCK_LIMITS): a mainnet block's first wave (22 to 172 frames on the nine blocks EDR
 * runs) and most rerun waves, at up to 15 MiB of output a wave. Larger waves (10^4
 * transfers) start in the defaults, whose output is a quarter the size.
 */
export const START_ROOMY_UP_TO_CALLS = 256;

/** Room for frames that overflow the block room: memory-, log- and return-heavy calls and deep call stacks, retried on their own. */
export const ROOMY_LIMITS: Readonly<GpuLimitOptions> = Object.freeze({
  memoryBytesPerCall: 4 << 20,
  maxStackItemsPerCall: 64 << 10,
  maxCallDepthPerCall: 1024,
  maxUndoEntriesPerCall: 16 << 10,
  maxCreatedCodeBytesPerCall: 1 << 20,
  maxLogsPerCall: 1024,
  maxLogDataBytesPerCall: 1 << 20,
  returnDataBytesPerCall: 1 << 20,
  maxStorageSlotsPerCall: 4096,
  maxAccountsPerCall: 1024,
  maxTransientSlotsPerCall: 4096,
});

/**
 * Room for the frames that overflow ROOMY_LIMITS too, sized by gas rather than by what
 * is common: 65,536 logs (a LOG0 costs 375 gas: 24.6M gas of them; an airdrop's
 * constructor in mainnet block 15537394 emits 10,001 Transfer logs), 4 MiB of log data
 * (8 gas a byte: 33.5M gas), 8 MiB of memory, 16,384 slots (2,100 gas each when cold:
 * 34M gas) and 16,384 accounts. About 18 MiB of output and 11 MiB of scratch a call, so
 * these run few to a dispatch, and only after the roomy executor has failed them.
 */
export const VAST_LIMITS: Readonly<GpuLimitOptions> = Object.freeze({
  ...ROOMY_LIMITS,
  memoryBytesPerCall: 8 << 20,
  maxLogsPerCall: 1 << 16,
  maxLogDataBytesPerCall: 4 << 20,
  maxStorageSlotsPerCall: 16 << 10,
  maxAccountsPerCall: 16 << 10,
});

/** The rooms a frame that ran out of scratch escalates through, in turn: each one's calls are fewer and larger. */
export const MORE_ROOM: readonly Readonly<GpuLimitOptions>[] = [BLOCK_LIMITS, ROOMY_LIMITS, VAST_LIMITS];

/** A step budget no frame reaches: every opcode but the ones that end a frame costs gas, and gas is below 2^32 steps' worth in any block. */
export const UNBOUNDED_STEPS = 0xffffffff;

const MAX_MEMORY = 16 << 20;

export interface Limits extends PackOptions {
  readonly scratchBytes: number;
  readonly readWindowBytes: number;
}

function checked(name: string, v: number, min: number, max: number, multiple = 1): number {
  if (!Number.isInteger(v) || v < min || v > max || v % multiple !== 0) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}]${multiple > 1 ? `, a multiple of ${multiple}` : ''}: ${v}`);
  }
  return v;
}

export function limits(o: GpuLimitOptions): Limits {
  return {
    stepBudget: checked('maxStepsPerDispatch', o.maxStepsPerDispatch ?? 1_000_000, 1, 0xffffffff),
    memoryBytes: checked('memoryBytesPerCall', o.memoryBytesPerCall ?? 64 << 10, 32, MAX_MEMORY, 32),
    stackItems: checked('maxStackItemsPerCall', o.maxStackItemsPerCall ?? 1024, 1024, 1 << 20),
    frames: checked('maxCallDepthPerCall', o.maxCallDepthPerCall ?? 32, 0, 1024) + 1,
    undoEntries: checked('maxUndoEntriesPerCall', o.maxUndoEntriesPerCall ?? 128, 0, 1 << 20),
    codeBytes: checked('maxCreatedCodeBytesPerCall', o.maxCreatedCodeBytesPerCall ?? 1 << 10, 0, MAX_MEMORY, 4),
    logs: checked('maxLogsPerCall', o.maxLogsPerCall ?? 8, 0, 1 << 16),
    logDataBytes: checked('maxLogDataBytesPerCall', o.maxLogDataBytesPerCall ?? 2 << 10, 0, MAX_MEMORY, 4),
    returnBytes: checked('returnDataBytesPerCall', o.returnDataBytesPerCall ?? 1 << 10, 0, MAX_MEMORY, 4),
    journalEntries: checked('maxStorageSlotsPerCall', o.maxStorageSlotsPerCall ?? 64, 0, 1 << 16),
    accessedEntries: checked('maxAccountsPerCall', o.maxAccountsPerCall ?? 32, 0, 1 << 16),
    transientEntries: checked('maxTransientSlotsPerCall', o.maxTransientSlotsPerCall ?? 32, 0, 1 << 16),
    scratchBytes: checked('maxScratchBytesPerDispatch', o.maxScratchBytesPerDispatch ?? 256 << 20, 1, 2 ** 40),
    readWindowBytes: checked('readBackWindowBytes', o.readBackWindowBytes ?? 16 << 20, 1, 2 ** 40),
  };
}
