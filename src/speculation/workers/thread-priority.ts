import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Execution threads yield the CPU to the main thread. The main thread answers
 * /healthz, /metrics and admission, parses requests and commits batches; the worker
 * and exec threads run ethereumjs for seconds at a time. On a machine with fewer cores
 * than busy threads the scheduler shares the cores equally, so the event loop (and
 * its garbage collector's pauses) ran at a fraction of a core while a heavy batch ran:
 * /healthz waited hundreds of milliseconds. A niceness of 10 gives a thread about a
 * tenth of the weight of a default one (Linux CFS), so the main thread gets a core
 * whenever it wants one, and the execution threads still get every cycle it leaves.
 */
export const EXECUTION_THREAD_NICENESS = 10;

/**
 * Lowers the calling thread's priority. Linux keeps a niceness per thread, and
 * setpriority(PRIO_PROCESS, tid) changes only that thread; Node has no call for a
 * thread's id, but /proc/thread-self names it. Raising one's own niceness needs no
 * privilege. A thread that already runs at `niceness` or lower priority (a service
 * started with `nice`) is left as it is. Elsewhere (no /proc/thread-self) it changes
 * nothing and answers undefined; so does a failure, as the thread is then merely as
 * urgent as the main thread was before.
 */
export function yieldToMainThread(niceness = EXECUTION_THREAD_NICENESS): number | undefined {
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(tid) || tid <= 0) return undefined;
  try {
    if (getPriority(tid) < niceness) setPriority(tid, niceness);
    return tid;
  } catch {
    return undefined;
  }
}
