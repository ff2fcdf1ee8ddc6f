import type { GpuAccountState, GpuBlockContext, GpuCall, GpuCallResult, GpuStateSnapshot } from '../gpu/abi.js';
import { newDispatchTally, type DispatchTally, type GpuCallExecutor } from '../gpu/executor.js';
import { Outcome } from '../evm/outcome.js';
import { bytesToHex } from '../primitives/hex.js';
import { answer, MAX_HOST_ANSWERS, type PrecompileRunner } from './host-calls.js';
import type { CodeSource } from './gpu-call.js';
import type { Overlay } from './predicted-state.js';
import type { WorldState } from './world-state.js';

/**
 * A wave: many transactions' frames run at once on the GPU against one state
 * snapshot. The first wave runs every frame against the batch's starting state; a
 * rerun wave runs stale frames again against the committed state of the moment
 * (rerun-wave.ts).
 */
export interface WaveFrame {
  call: GpuCall;
  /** The code it ran: a commit compares it with the code the transaction starts now. */
  source: CodeSource;
  result: GpuCallResult;
  /**
   * What the run read of accounts (its overrides first, then the snapshot; undefined:
   * absent) and of storage emptiness, kept so that a commit can judge the frame
   * without the snapshot: a wave's snapshot is freed once the wave has run.
   */
  seen: ReadonlyMap<string, AccountSeen | undefined>;
  emptySeen: ReadonlyMap<string, boolean>;
  /** The room its run needed (0: the default; k: WaveExecutors.rooms[k - 1]): a rerun starts there, not in the rooms it overflowed. */
  room: number;
}

/**
 * An account as the run saw it. `balanceRead`: the run read its balance (BALANCE,
 * SELFBALANCE, a balance check that failed), so the frame holds only while the
 * balance is the same; `atLeast`: the run only checked it (value calls it made, the checks
 * passed), so it holds while the balance is at least that; otherwise it saw the nonce, code and emptiness (a call's callee,
 * EXT*) or only credited it, and what it credited is settled as a delta on whatever the
 * account holds at commit (settle.ts), as fees are to the coinbase.
 */
export type AccountSeen = Pick<GpuAccountState, 'balance' | 'nonce' | 'codeHash'> & {
  balanceRead: boolean;
  /** Where the run only checked the balance (a value call it made): the least start balance the checks passed with; what it moved is settled as a delta. */
  atLeast?: bigint;
};

/** What the frame read of accounts and of storage emptiness, as its run saw them. */
function seenBy(call: GpuCall, result: GpuCallResult, snapshot: GpuStateSnapshot): Pick<WaveFrame, 'seen' | 'emptySeen'> {
  const overrides = new Map((call.overrides ?? []).map((o) => [bytesToHex(o.address), o]));
  const seen = new Map<string, AccountSeen | undefined>();
  const see = (a: Uint8Array, balanceRead: boolean) => {
    const addr = bytesToHex(a);
    if (seen.has(addr)) return;
    const then = overrides.get(addr) ?? snapshot.accounts.get(addr);
    seen.set(addr, then && { balance: then.balance, nonce: then.nonce, codeHash: then.codeHash, balanceRead });
  };
  for (const a of result.accountReads) see(a, true);
  for (const a of result.accountSeenReads) see(a, false);
  for (const c of result.accounts) see(c.address, false);
  for (const { address, need } of result.accountNeeds) {
    const then = seen.get(bytesToHex(address));
    if (then) then.atLeast = need;
  }
  const emptySeen = new Map<string, boolean>();
  for (const a of result.storageEmptyReads) {
    const addr = bytesToHex(a);
    emptySeen.set(addr, ![...(snapshot.accounts.get(addr)?.storage.values() ?? [])].some((v) => v !== 0n));
  }
  return { seen, emptySeen };
}

export interface Wave {
  frames: Map<number, WaveFrame>;
  /** Its submits and where their time went. */
  tally: DispatchTally;
  /** Rounds of host precompile answers: each ran the frames that asked again. */
  hostRounds: number;
}

/**
 * The executors a wave runs on: the default room; more room, in turn, for frames that
 * overflow it (when the engine escalates: limits.ts, MORE_ROOM); and larger step
 * budgets, tried in turn, for frames that ran out of the default one (gpu-route.ts:
 * LONG_STEP_BUDGETS).
 */
export interface WaveExecutors {
  main: GpuCallExecutor;
  rooms?: readonly GpuCallExecutor[];
  longer?: readonly GpuCallExecutor[];
}

/**
 * The committed state in the executor's form (accounts share the world's storage maps:
 * the executor only reads them), with a rerun wave's overlay laid over it where given
 * (rerun-wave.ts): accounts replaced or deleted, slots written. Slots of accounts that
 * end up absent are left out: a frame that reads them fails its validation.
 */
export function snapshotWorld(world: WorldState, overlay?: Overlay): GpuStateSnapshot {
  const accounts = new Map<string, GpuAccountState>();
  for (const [addr, a] of world.entries()) accounts.set(addr, a);
  // The world's entries are made anew on every change (WorldState.entry), and so are the
  // overlay's accounts below: the batch's waves may share device tables.
  if (!overlay) return { accounts, lineage: world };
  for (const [addr, a] of overlay.accounts) {
    if (!a) accounts.delete(addr);
    else accounts.set(addr, { ...a, storage: accounts.get(addr)?.storage ?? new Map() });
  }
  for (const [addr, slots] of overlay.slots) {
    const a = accounts.get(addr);
    if (a) accounts.set(addr, { ...a, storage: new Map([...a.storage, ...slots]) });
  }
  return { accounts, lineage: world };
}

/** The wave's precompile host: ethereumjs's precompiles, and a count of the runs it answered (stats.speculation.hostPrecompiles). */
export interface WaveHost {
  run: PrecompileRunner;
  answered: number;
  /** Rounds of answers one call may get in a wave before it is left to the CPU (gpu-route.ts: hostAnswers); a call holds MAX_HOST_ANSWERS at most (host-calls.ts). */
  maxAnswers: number;
}

/**
 * Runs every call at once against `snapshot`; frames that ran out of scratch run again,
 * together, with more room, and frames that ran out of steps with larger budgets;
 * frames that stopped at a precompile call get the host's answers and run again,
 * together, until none asks (host-calls.ts).
 */
export async function runWave(executors: WaveExecutors, block: GpuBlockContext, snapshot: GpuStateSnapshot, calls: Map<number, { call: GpuCall; source: CodeSource; room?: number }>, host?: WaveHost, signal?: AbortSignal): Promise<Wave> {
  const frames = new Map<number, WaveFrame>();
  const wave: Wave = { frames, tally: newDispatchTally(), hostRounds: 0 };
  if (calls.size === 0) return wave;
  const entries = [...calls].map(([index, c]) => ({ index, ...c }));
  const { results, room } = await runEscalating(executors, block, snapshot, entries.map((e) => e.call), wave.tally, signal, entries.map((e) => e.room ?? 0));
  for (let round = 0; host && round < host.maxAnswers; round++) {
    signal?.throwIfAborted();
    const asked: number[] = [];
    for (let k = 0; k < entries.length; k++) {
      const request = results[k].hostCall;
      if (results[k].outcome !== Outcome.NeedsHost || !request || request.answer >= MAX_HOST_ANSWERS) continue;
      const a = await answer(host.run, request);
      if (!a) continue;
      host.answered++;
      // The answers before the request held; any after it were for calls this run may not make.
      entries[k].call = { ...entries[k].call, hostAnswers: [...(entries[k].call.hostAnswers ?? []).slice(0, request.answer), a] };
      asked.push(k);
    }
    if (asked.length === 0) break;
    wave.hostRounds++;
    // A replay starts in the room its run needed.
    const again = await runEscalating(executors, block, snapshot, asked.map((k) => entries[k].call), wave.tally, signal, asked.map((k) => room[k]));
    asked.forEach((k, j) => {
      results[k] = again.results[j];
      room[k] = again.room[j];
    });
  }
  entries.forEach((e, k) => frames.set(e.index, { call: e.call, source: e.source, result: results[k], room: room[k], ...seenBy(e.call, results[k], snapshot) }));
  return wave;
}

/**
 * Frames that ran out of scratch run again in the next room, in turn, until one holds
 * them or none is left; frames that ran out of steps run again, from the start, with
 * each larger budget in turn (a budget 16 times the one before wastes at most a
 * fifteenth of the last run). A frame known to need more room (`roomFirst`: a previous
 * run of its overflowed the rooms before) starts in it, which saves it dispatches that
 * would fail; it runs together with the frames that overflow into that room. The
 * batch's abort signal is checked between runs: a dispatch cannot be stopped, so the
 * budgets bound how long an abandoned batch keeps the GPU. `room` says which room gave
 * each result.
 */
async function runEscalating(executors: WaveExecutors, block: GpuBlockContext, snapshot: GpuStateSnapshot, calls: GpuCall[], tally: DispatchTally, signal: AbortSignal | undefined, roomFirst: readonly number[]): Promise<{ results: GpuCallResult[]; room: number[] }> {
  const rooms = [executors.main, ...(executors.rooms ?? [])];
  const room = calls.map((_, k) => Math.min(roomFirst[k], rooms.length - 1));
  const results = new Array<GpuCallResult | undefined>(calls.length);
  for (let r = 0; r < rooms.length; r++) {
    // What overflowed the room before runs here, with the frames that start here.
    calls.forEach((_, k) => {
      if (room[k] === r - 1 && results[k]!.outcome === Outcome.ScratchExhausted) {
        room[k] = r;
        results[k] = undefined;
      }
    });
    const ks = calls.flatMap((_, k) => (room[k] === r ? [k] : []));
    if (ks.length === 0) continue;
    if (r > 0) signal?.throwIfAborted();
    const run = await rooms[r].execute(block, snapshot, ks.map((k) => calls[k]), tally);
    ks.forEach((k, j) => (results[k] = run[j]));
  }
  for (const executor of executors.longer ?? []) {
    const again = calls.flatMap((_, k) => (results[k]!.outcome === Outcome.BudgetExhausted ? [k] : []));
    if (again.length === 0) continue;
    signal?.throwIfAborted();
    const rerun = await executor.execute(block, snapshot, again.map((k) => calls[k]), tally);
    again.forEach((k, j) => {
      results[k] = rerun[j];
      room[k] = 0;
    });
  }
  return { results: results as GpuCallResult[], room };
}
