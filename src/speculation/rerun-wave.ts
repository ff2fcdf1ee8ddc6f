import { isSuccess, type OutcomeCode } from '../evm/outcome.js';
import { bytesToHex } from '../primitives/hex.js';
import type { Route } from './plan.js';
import type { Prelude } from './prelude.js';
import type { TxView } from './tx-view.js';
import type { WaveFrame } from './wave.js';
import type { WriteVersions } from './write-versions.js';

/**
 * Which frames a rerun wave takes. When the ordered commit reaches a stale frame, the
 * GPU runs it again against the committed state; in the same dispatch it runs every
 * later frame that is already stale now (something it read was committed after its
 * run) and that reads nothing an uncommitted transaction between them is expected to
 * write. Those are the frames whose rerun against today's state is likely to hold when
 * the commit reaches them: independent conflict chains advance one link per wave
 * together, instead of one dispatch (or one ethereumjs run) per stale transaction.
 * The choice only predicts; every rerun result is validated at its commit like any
 * other frame (validate.ts), so a wrong guess costs a rerun, never exactness.
 */
export interface RerunScope {
  routes: readonly Route[];
  views: readonly (TxView | undefined)[];
  /** Each transaction's newest frame, where a rerun replaced the first wave's. */
  latest: ReadonlyMap<number, WaveFrame>;
  versions: WriteVersions;
}

/** A frame to run again: from its start state now, with the steps its previous run took (what the cost estimate goes by). */
export interface StaleFrame {
  prelude: Prelude;
  steps: number;
}

/** Frames one rerun wave takes at most (one dispatch group's worth of invocations on lavapipe and more). */
export const RERUN_WAVE_MAX_FRAMES = 1024;
/** How far past the stale frame a wave looks for others, and after how many frames in a row that it does not take it stops (a hot contract's chain: every later frame waits on an earlier one). */
export const RERUN_WAVE_WINDOW = 1024;
export const RERUN_WAVE_MISSES = 64;

export function frameOf(s: Pick<RerunScope, 'routes' | 'latest'>, index: number): WaveFrame | undefined {
  const route = s.routes[index];
  return s.latest.get(index) ?? (route?.kind === 'frame' ? route.frame : undefined);
}

/** A frame's reads and writes as keys, made once per frame: `a:` accounts, `s:` slots. */
interface FrameKeys {
  /** Accounts read, changed or given as start state. */
  accounts: string[];
  accountKeys: string[];
  slots: { addr: string; slot: bigint; key: string }[];
  emptyReads: string[];
  /** What the frame wrote: accounts changed, created or destroyed, and slots. */
  writes: string[];
}

const cache = new WeakMap<WaveFrame, FrameKeys>();
const senders = new WeakMap<TxView, string>();

function keysOf(frame: WaveFrame): FrameKeys {
  let k = cache.get(frame);
  if (k) return k;
  const r = frame.result;
  const accounts = new Set<string>();
  for (const a of r.accountReads) accounts.add(bytesToHex(a));
  for (const a of r.accounts) accounts.add(bytesToHex(a.address));
  for (const o of frame.call.overrides ?? []) accounts.add(bytesToHex(o.address));
  const slots = r.storageReads.map((read) => {
    const addr = bytesToHex(read.address);
    return { addr, slot: read.slot, key: `s:${addr}:${read.slot}` };
  });
  const writes = r.accounts.filter((a) => a.written || a.created || a.destroyed).map((a) => `a:${bytesToHex(a.address)}`);
  for (const w of r.storageWrites) writes.push(`s:${bytesToHex(w.address)}:${w.slot}`);
  k = { accounts: [...accounts], accountKeys: [...accounts].map((a) => `a:${a}`), slots, emptyReads: r.storageEmptyReads.map(bytesToHex), writes };
  cache.set(frame, k);
  return k;
}

function senderKey(view: TxView): string {
  let k = senders.get(view);
  if (k === undefined) senders.set(view, (k = `a:${bytesToHex(view.tx.from)}`));
  return k;
}

/** Whether something the frame read from its snapshot (or its own start state) was committed after its run. */
export function staleNow(frame: WaveFrame, v: WriteVersions): boolean {
  const since = frame.version;
  const k = keysOf(frame);
  for (const a of k.accounts) if (v.accountSince(a, since)) return true;
  for (const r of k.slots) if (v.slotSince(r.addr, r.slot, since)) return true;
  for (const a of k.emptyReads) if (v.storageSince(a, since)) return true;
  return false;
}

/**
 * Adds the keys a transaction is expected to write: its sender, and what its newest
 * frame wrote; when that frame is stale or did not succeed, what it read too (a rerun
 * may write what the stale run only read: a swap that reverted for want of its input).
 * Nothing more is known of one that runs no frame; a wrong guess only costs a rerun.
 */
function expectWrites(frame: WaveFrame | undefined, view: TxView | undefined, doubtful: boolean, into: Set<string>): void {
  if (view) into.add(senderKey(view));
  if (!frame) return;
  const k = keysOf(frame);
  for (const w of k.writes) into.add(w);
  if (doubtful || !isSuccess(frame.result.outcome as OutcomeCode)) for (const r of k.slots) into.add(r.key);
}

function readsAny(frame: WaveFrame, keys: Set<string>): boolean {
  const k = keysOf(frame);
  for (const a of k.accountKeys) if (keys.has(a)) return true;
  for (const r of k.slots) if (keys.has(r.key)) return true;
  return false;
}

/** The stale frame at `index` and the later frames its wave should run with it, in batch order. */
export function pickRerunWave(s: RerunScope, index: number): number[] {
  const picked = [index];
  const pending = new Set<string>();
  expectWrites(frameOf(s, index), s.views[index], true, pending);
  const end = Math.min(s.routes.length, index + 1 + RERUN_WAVE_WINDOW);
  let misses = 0;
  for (let j = index + 1; j < end && picked.length < RERUN_WAVE_MAX_FRAMES && misses < RERUN_WAVE_MISSES; j++) {
    const frame = frameOf(s, j);
    const stale = frame !== undefined && staleNow(frame, s.versions);
    if (stale && !readsAny(frame, pending)) {
      picked.push(j);
      misses = 0;
    } else misses++;
    expectWrites(frame, s.views[j], stale, pending);
  }
  return picked;
}
