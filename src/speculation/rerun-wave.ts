import type { GpuCall, GpuHostAnswer } from '../gpu/abi.js';
import { isHalt, isSuccess, Outcome } from '../evm/outcome.js';
import { ChainedSlots, deltaWrite, type SlotDeltas } from './chained-slots.js';
import { hexOf } from '../primitives/hex-of.js';
import type { Route } from './plan.js';
import { prelude, runsNoFrame, type Prelude } from './prelude.js';
import { PredictedState, type Overlay } from './predicted-state.js';
import type { HostRules, TxInputs } from './rules.js';
import { frameWrites, writesWithoutFrame } from './settle.js';
import type { TxView } from './tx-view.js';
import { StateKeySet, type SlotKey } from './state-keys.js';
import { frameHolds } from './validate.js';
import type { WaveFrame } from './wave.js';
import type { StateReader } from './world-state.js';

/**
 * Which frames a rerun wave takes, and what they see. When the ordered commit reaches
 * a stale frame, the GPU runs it again against the committed state; in the same
 * dispatch it runs the later frames whose reruns are expected to hold when the commit
 * reaches them. To find those, the batch after the stale frame is swept in order as the
 * commit would walk it, with the host's own rules (prelude, validate, settle) on a
 * predicted state (predicted-state.ts):
 * - a transaction *holds* when it reads nothing an uncertain transaction before it may
 *   write and its newest frame holds on the predicted state; its writes are laid over
 *   the prediction;
 * - a frame is *ready* to rerun when it reads nothing uncertain but does not hold: it
 *   reruns from its start state on the prediction, with the prediction's writes laid
 *   over the committed state, so that it sees what the earlier holding transactions
 *   write (a pool's second swap reruns over its first swap before that commits);
 * - any other transaction *waits*: it reads what an uncertain one may write.
 * Ready and waiting transactions are uncertain: what they wrote, and read, may change.
 * Independent conflict chains thus advance one link per wave together, instead of one
 * dispatch, or one ethereumjs run, per stale transaction.
 * The sweep only predicts; every rerun result is validated at its commit like any other
 * frame (validate.ts), so a wrong guess costs a rerun, never exactness.
 */
export interface RerunScope {
  routes: readonly Route[];
  views: readonly (TxView | undefined)[];
  inputs: readonly (TxInputs | undefined)[];
  rules: HostRules;
  coinbase: string;
  /** Each transaction's newest frame, where a rerun replaced the first wave's. */
  latest: ReadonlyMap<number, WaveFrame>;
  /** The committed state. */
  world: StateReader;
  /** Transactions in a row not taken before the sweep stops, before what each taken frame adds (sweepPatience); RERUN_WAVE_MISSES where not given. */
  patience?: number;
  /** Which slots the batch's reruns showed to take deltas: where given, chains of such slots run in one wave (chained-slots.ts). */
  deltas?: SlotDeltas;
}

/**
 * A frame to run again: from its start state, with the steps its previous run took
 * (what the cost estimate goes by), the room that run needed, and the host's
 * answers to its precompile calls (the kernel uses those whose input is unchanged).
 */
export interface StaleFrame {
  prelude: Prelude;
  steps: number;
  room: number;
  hostAnswers?: GpuHostAnswer[];
  /** Slots it starts from as a rerun before it in the wave is predicted to write them (chained-slots.ts). */
  slotOverrides?: GpuCall['slotOverrides'];
}

/** Frames one rerun wave takes at most. */
export const RERUN_WAVE_MAX_FRAMES = 4096;
/** How far past the stale frame the sweep looks: it costs about what the commit of as many transactions does. */
export const RERUN_WAVE_WINDOW = 2048;
/**
 * After how many transactions in a row that it does not take the sweep stops: this
 * many, and more as the wave fills (the ready frames of many independent chains are
 * spread over the batch). A hot contract's chain, where every later transaction waits
 * on an earlier one, stops it early.
 */
export const RERUN_WAVE_MISSES = 64;
const MISSES_PER_PICK = 16;
/**
 * The sweep's patience after one that took few frames. On mainnet blocks a sweep took
 * two frames on average (594 in 300 waves of nine blocks, 2026-12-07), having looked at
 * 88 transactions each time, at about 10 µs a transaction; where it keeps finding
 * many (many independent pools), it stays patient.
 */
export const RERUN_WAVE_MISSES_SHORT = 16;
const FEW_FRAMES = 4;

/** The patience of the next sweep, from the frames the last one took (none yet: patient). */
export function sweepPatience(lastTook: number | undefined): number {
  return lastTook !== undefined && lastTook <= FEW_FRAMES ? RERUN_WAVE_MISSES_SHORT : RERUN_WAVE_MISSES;
}

function staleFrame(p: Prelude, previous: WaveFrame | undefined): StaleFrame {
  return { prelude: p, steps: previous?.result.steps ?? 0, room: previous?.room ?? 0, hostAnswers: previous?.call.hostAnswers };
}

export function frameOf(s: Pick<RerunScope, 'routes' | 'latest'>, index: number): WaveFrame | undefined {
  const route = s.routes[index];
  return s.latest.get(index) ?? (route?.kind === 'frame' ? route.frame : undefined);
}

/** A frame's reads and writes, with addresses as hex, made once per frame. */
interface FrameKeys {
  /** Accounts read, changed or given as start state. */
  accounts: string[];
  slots: SlotKey[];
  /** Accounts the frame wrote: changed, created or destroyed. */
  wroteAccounts: string[];
  wroteSlots: SlotKey[];
}

const cache = new WeakMap<WaveFrame, FrameKeys>();

function keysOf(frame: WaveFrame): FrameKeys {
  let k = cache.get(frame);
  if (k) return k;
  const r = frame.result;
  const accounts = new Set<string>(frame.seen.keys());
  for (const o of frame.call.overrides ?? []) accounts.add(hexOf(o.address));
  for (const a of frame.emptySeen.keys()) accounts.add(a);
  k = {
    accounts: [...accounts],
    slots: r.storageReads.map((read) => ({ addr: hexOf(read.address), slot: read.slot })),
    wroteAccounts: r.accounts.filter((a) => a.written || a.created || a.destroyed).map((a) => hexOf(a.address)),
    wroteSlots: r.storageWrites.map((w) => ({ addr: hexOf(w.address), slot: w.slot })),
  };
  cache.set(frame, k);
  return k;
}

/** How a frame in a chain has its writes predicted: the chain so far, the batch's verdicts, what the frame reads now, and which slots it may chain. */
interface Chaining {
  chain: ChainedSlots;
  /**
   * Slots a chaining frame wrote, not chained, that its previous run read as zero: most
   * likely keyed by a chained value (an NFT mint's owner of token `counter`), so a frame
   * that also read them as zero and reads the chain will touch others when it reruns
   * from the chain's values (fresh slots keyed by its own counter).
   */
  fresh: StateKeySet;
  deltas: SlotDeltas;
  readNow: (addr: string, slot: bigint) => bigint;
  may: (addr: string, slot: bigint) => boolean;
}

/**
 * Marks uncertain what a transaction that does not hold may write: its sender, the
 * account it sends value to, and what its newest frame wrote and read (a rerun may write what
 * the stale run only read: a swap that reverted for want of its input). Nothing more is
 * known of one that runs no frame; a wrong guess only costs a rerun. A frame in a chain
 * (`chaining`: the stale frame, on the slots that made it stale, and the frames that
 * read what it chained) whose previous run succeeded and that writes a slot that takes
 * deltas most likely writes what it wrote and no more: that slot is chained
 * (chained-slots.ts), what it only read stays certain, and the rest of what it wrote is
 * uncertain; of that, what it read as zero is `fresh`. One whose previous run failed
 * passes the chain on (passesChain).
 */
function markUncertain(frame: WaveFrame | undefined, inputs: TxInputs | undefined, view: TxView | undefined, into: StateKeySet, senderKnown = false, chaining?: Chaining): void {
  if (view && !senderKnown) into.addAccount(inputs ? inputs.from : hexOf(view.tx.from));
  if (inputs && view && view.tx.value > 0n) into.addAccount(inputs.to);
  if (!frame) return;
  const k = keysOf(frame);
  for (const a of k.wroteAccounts) into.addAccount(a);
  const outcome = frame.result.outcome;
  const ok = isSuccess(outcome);
  const failed = outcome === Outcome.Revert || isHalt(outcome);
  const values = chaining && ok ? k.wroteSlots.map((_, n) => chainedWrite(chaining, frame, k, n)) : [];
  const chains = values.some((v) => v !== undefined) || (chaining !== undefined && failed && passesChain(chaining, frame, k));
  k.wroteSlots.forEach((w, n) => {
    if (values[n] !== undefined) chaining!.chain.set(w.addr, w.slot, values[n]!);
    else {
      into.addSlot(w.addr, w.slot);
      if (chains && readZero(frame, k, w)) chaining!.fresh.addSlot(w.addr, w.slot);
    }
  });
  if (!chains) for (const r of k.slots) into.addSlot(r.addr, r.slot);
}

/**
 * A frame in a chain whose previous run reverted or halted (not one the GPU left
 * unfinished) most likely fails again and writes nothing: a mint that runs out of gas
 * between successful mints of the same contract (block 15537394). The chain passes
 * through it unchanged, and what it read stays certain. Whether it read any slot the
 * chain may carry.
 */
function passesChain(c: Chaining, frame: WaveFrame, k: FrameKeys): boolean {
  let passes = false;
  for (const r of k.slots) {
    if (!c.may(r.addr, r.slot) || !c.deltas.takesDeltas(frame.source.key, r.addr, r.slot)) continue;
    c.chain.set(r.addr, r.slot, c.readNow(r.addr, r.slot));
    passes = true;
  }
  return passes;
}

/** Where the frame's previous run read the slot among its reads (-1: it did not). */
function readIndex(k: FrameKeys, slot: SlotKey): number {
  return k.slots.findIndex((s) => s.slot === slot.slot && s.addr === slot.addr);
}

/** Whether the frame's previous run read the slot, as zero. */
function readZero(frame: WaveFrame, k: FrameKeys, slot: SlotKey): boolean {
  const r = readIndex(k, slot);
  return r >= 0 && frame.result.storageReads[r].value === 0n;
}

/** What the frame's rerun is predicted to write to its n-th written slot, where it may chain that slot, the slot takes deltas and the frame read it. */
function chainedWrite(c: Chaining, frame: WaveFrame, k: FrameKeys, n: number): bigint | undefined {
  const w = k.wroteSlots[n];
  if (!c.may(w.addr, w.slot) || !c.deltas.takesDeltas(frame.source.key, w.addr, w.slot)) return undefined;
  const r = readIndex(k, w);
  if (r < 0) return undefined;
  return deltaWrite(frame.result.storageWrites[n].value, frame.result.storageReads[r].value, c.readNow(w.addr, w.slot));
}

/** Whether the frame read any of `keys`, but for the slots of `fresh` it read as zero. */
function readsAny(frame: WaveFrame | undefined, inputs: TxInputs, keys: StateKeySet, fresh?: StateKeySet): boolean {
  if (keys.hasAccount(inputs.from) || keys.hasAccount(inputs.to)) return true;
  if (!frame) return false;
  const k = keysOf(frame);
  for (const a of k.accounts) if (keys.hasAccount(a)) return true;
  for (let n = 0; n < k.slots.length; n++) {
    const r = k.slots[n];
    if (keys.hasSlot(r.addr, r.slot) && !(fresh?.hasSlot(r.addr, r.slot) && frame.result.storageReads[n].value === 0n)) return true;
  }
  return false;
}

/** The writes a transaction is predicted to commit, where its run holds on the prediction (storage wipes are not predicted). */
function holdingWrites(s: RerunScope, j: number, p: Prelude, frame: WaveFrame | undefined) {
  const view = s.views[j]!;
  if (runsNoFrame(p, view)) return writesWithoutFrame(s.rules, view, p).writes;
  if (!frame || !frameHolds(frame, p)) return undefined;
  const w = frameWrites(s.rules, view, p, frame)?.writes;
  return w && w.wiped.length === 0 ? w : undefined;
}

/**
 * A frame that reruns leaves its sender as its previous run did, most likely: the nonce
 * one up, the gas the same. Laying that over the prediction lets the sender's next
 * transaction rerun in the same wave (an ERC-20 transfer and the swap that spends it)
 * instead of waiting a wave for its sender; a wrong guess fails that frame's validation.
 */
function guessSender(s: RerunScope, j: number, p: Prelude, frame: WaveFrame | undefined, predicted: PredictedState): boolean {
  if (!frame) return false;
  const w = frameWrites(s.rules, s.views[j]!, p, frame)?.writes;
  const sender = w?.accounts.find(([a]) => a === p.inputs.from);
  // Not where the frame itself changes the sender (value sent back to it): the guess would be the frame's, not the fee's.
  if (!sender || (w!.accounts.length !== 1 && keysOf(frame).wroteAccounts.includes(p.inputs.from))) return false;
  predicted.apply({ wiped: [], storage: [], accounts: [sender] }, j);
  return true;
}

export interface RerunPick {
  /** The stale frame and the ready ones, in batch order, each with its start state on the prediction. */
  frames: Map<number, StaleFrame>;
  overlay: Overlay;
}

/** The stale frame at `index` (starting as `p` says), the later frames ready to rerun with it, and the overlay they run over. */
export function pickRerunWave(s: RerunScope, index: number, p: Prelude): RerunPick {
  const stale = frameOf(s, index);
  const picked = new Map<number, StaleFrame>([[index, staleFrame(p, stale)]]);
  const uncertain = new StateKeySet();
  const predicted = new PredictedState(s.world, s.coinbase);
  const chain = new ChainedSlots();
  const fresh = new StateKeySet();
  // The stale frame chains the slots that made it stale; a frame that read chained slots, those slots (its prelude reads the chain's values there).
  const chaining = (start: Prelude, may: Chaining['may']): Chaining | undefined =>
    s.deltas?.chaining() ? { chain, fresh, deltas: s.deltas, readNow: (addr, slot) => start.atStart.storage(addr, slot), may } : undefined;
  const staleReads = new StateKeySet();
  for (const r of stale?.result.storageReads ?? []) if (p.atStart.storage(hexOf(r.address), r.slot) !== r.value) staleReads.addSlot(hexOf(r.address), r.slot);
  markUncertain(stale, s.inputs[index], s.views[index], uncertain, false, chaining(p, (addr, slot) => staleReads.hasSlot(addr, slot)));
  const end = Math.min(s.routes.length, index + 1 + RERUN_WAVE_WINDOW);
  let misses = 0;
  for (let j = index + 1; j < end && picked.size < RERUN_WAVE_MAX_FRAMES && misses < (s.patience ?? RERUN_WAVE_MISSES) + MISSES_PER_PICK * picked.size; j++) {
    const route = s.routes[j];
    const frame = frameOf(s, j);
    const inputs = s.inputs[j];
    const onHost = route.kind === 'frame' || route.kind === 'transfer' || s.latest.has(j);
    // A frame that read a chained slot holds only from the value the chain gives it.
    const chained = onHost && inputs !== undefined && frame ? chain.overridesFor(keysOf(frame).slots) : [];
    const free = onHost && inputs !== undefined && !readsAny(frame, inputs, uncertain, chained.length > 0 ? fresh : undefined);
    const over = free ? chained : [];
    const pj = free ? prelude(s.rules, s.views[j]!, inputs!, over.length > 0 ? chain.over(predicted) : predicted) : undefined;
    const writes = pj && holdingWrites(s, j, pj, frame);
    misses++;
    if (writes) {
      // Its run already started from the chain's values (a previous wave's chained rerun): it holds on them and moves the chain on.
      predicted.apply(over.length > 0 ? chain.takeWrites(writes) : writes, j);
      continue;
    }
    let senderKnown = false;
    let taken: Chaining | undefined;
    if (pj && pj.source.code.length > 0) {
      picked.set(j, { ...staleFrame(pj, frame), ...(over.length > 0 ? { slotOverrides: over } : {}) });
      misses = 0;
      senderKnown = guessSender(s, j, pj, frame, predicted);
      if (over.length > 0) taken = chaining(pj, (addr, slot) => chain.get(addr, slot) !== undefined);
    }
    markUncertain(frame, inputs, s.views[j], uncertain, senderKnown, taken);
  }
  // The stale frame must see the committed state: what it read stays out of the overlay
  // (commit.ts reruns it alone if its rerun strays into the overlay all the same).
  const withheld = new StateKeySet();
  if (stale) {
    const k = keysOf(stale);
    for (const a of k.accounts) if (predicted.writer(a) !== undefined) withheld.addAccount(a);
    for (const r of k.slots) if (predicted.writer(r.addr, r.slot) !== undefined) withheld.addSlot(r.addr, r.slot);
  }
  // A frame that reads what the overlay withholds, or what a later holding transaction writes, would see the wrong version: it waits for a later wave.
  const late = (withheldHere: boolean, writer: number | undefined, j: number) => withheldHere || (writer ?? -1) > j;
  for (const j of picked.keys()) {
    const frame = j === index ? undefined : frameOf(s, j);
    const k = frame && keysOf(frame);
    if (k && (k.accounts.some((a) => late(withheld.hasAccount(a), predicted.writer(a), j)) || k.slots.some((r) => late(withheld.hasSlot(r.addr, r.slot), predicted.writer(r.addr, r.slot), j)))) picked.delete(j);
  }
  if (stale) predicted.forget(keysOf(stale).accounts, keysOf(stale).slots);
  return { frames: picked, overlay: predicted.overlay() };
}
