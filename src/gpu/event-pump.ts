import { promisify } from 'node:util';

/**
 * How Dawn's events are pumped while the engine waits for a dispatch's read-back.
 *
 * Dawn's node binding pumps its own events: while any of its promises is pending
 * (mapAsync, onSubmittedWorkDone, popErrorScope, createComputePipelineAsync), it calls
 * `setImmediate`, looked up on the global object, with a native callback that processes
 * events and schedules itself again. That is a busy loop holding one CPU core for the
 * whole wait. On a software adapter (lavapipe) the dispatch itself runs on those same
 * cores, and so do the engine's worker threads: the loop takes a core from the very
 * work it waits for.
 *
 * Spaced waits: while `awaitDevice` waits (a dispatch's or a hash batch's read-back),
 * Dawn's callbacks are scheduled with `setTimeout(…, 0)`, one pump a millisecond with
 * the thread asleep in between. Nothing else changes: Dawn's callback is told apart
 * as an anonymous native function of no parameters scheduled without arguments (a
 * promise's resolve function takes one, a bound function is named "bound …"), and any
 * other `setImmediate`, or Dawn's outside those waits, runs as it always does.
 *
 * Process-wide on purpose, as Dawn's instance is (device.ts): the binding reads the
 * global, whichever device waits. Installed only for software adapters, where the
 * wait and the work share the CPU; a hardware GPU keeps Dawn's own pump.
 */
export interface PumpCounts {
  /** Dawn callbacks scheduled by a timer during a device wait. */
  spaced: number;
  /** Device waits that ran with the pump spaced. */
  waits: number;
}

const NATIVE_SOURCE = /^function \(\) \{\s*\[native code\]\s*\}$/;

let installed: PumpCounts | undefined;
let waiting = 0;

/** Whether `fn`, scheduled with `args`, is Dawn's event pump callback. */
export function isDawnPump(fn: unknown, args: readonly unknown[]): boolean {
  return typeof fn === 'function' && args.length === 0 && fn.length === 0 && fn.name === '' && NATIVE_SOURCE.test(Function.prototype.toString.call(fn));
}

/** Installs the spaced pump once for the process and returns its counts. */
export function spaceDawnEventPump(): PumpCounts {
  if (installed) return installed;
  const counts: PumpCounts = { spaced: 0, waits: 0 };
  const original = globalThis.setImmediate;
  const wrapper = function setImmediate(callback: (...a: unknown[]) => void, ...args: unknown[]) {
    if (waiting === 0 || !isDawnPump(callback, args)) return original(callback, ...args);
    counts.spaced++;
    // Dawn drops the handle it is given: a Timeout serves as well as an Immediate.
    return setTimeout(callback, 0) as unknown as NodeJS.Immediate;
  } as typeof globalThis.setImmediate;
  Object.defineProperty(wrapper, promisify.custom, { value: (original as unknown as Record<symbol, unknown>)[promisify.custom] });
  globalThis.setImmediate = wrapper;
  installed = counts;
  return counts;
}

/** The installed pump's counts, or undefined where Dawn pumps as it does by itself. */
export function eventPumpCounts(): PumpCounts | undefined {
  return installed;
}

/**
 * Awaits a device promise (a read-back's mapAsync): with the spaced pump installed,
 * Dawn pumps once a millisecond until it settles.
 */
export async function awaitDevice<T>(pending: Promise<T>): Promise<T> {
  if (!installed) return pending;
  installed.waits++;
  waiting++;
  try {
    return await pending;
  } finally {
    waiting--;
  }
}
