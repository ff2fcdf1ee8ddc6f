import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';
import { shareBatch } from '../../src/speculation/workers/share.js';
import { EXECUTION_THREAD_NICENESS } from '../../src/speculation/workers/thread-priority.js';
import { CpuWorkerPool } from '../../src/speculation/workers/worker-pool.js';
import { parseBatch } from '../../src/wire/parse.js';
import { until } from '../support/until.js';

/** Each thread of this process (the test file's own fork) and its niceness: field 19 of /proc/<pid>/task/<tid>/stat. */
function niceness(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name, which may hold spaces, start at field 3.
      out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19 - 3]));
    } catch {
      // The thread ended while listed.
    }
  }
  return out;
}

const yielding = () => [...niceness().values()].filter((n) => n === EXECUTION_THREAD_NICENESS).length;

// Linux only, and only where the tests themselves run at a higher priority than the threads are lowered to (not under `nice -n 10`).
const measurable = existsSync('/proc/thread-self') && (niceness().get(process.pid) ?? EXECUTION_THREAD_NICENESS) < EXECUTION_THREAD_NICENESS;

describe.runIf(measurable)('execution threads yield the CPU to the main thread (Linux)', () => {
  it("the CPU pool's workers and the exec threads run at niceness 10; the main thread keeps its own", async () => {
    const main = niceness().get(process.pid);
    expect(main).not.toBe(EXECUTION_THREAD_NICENESS);
    expect(yielding()).toBe(0);
    const pool = new CpuWorkerPool(2);
    try {
      // A lease starts the thread and an idle spare: both lower their priority as they load.
      pool.exec.lease();
      await until(() => yielding() >= 2, 60_000);
      const batch = parseBatch(erc20TransferBatch({ transfers: 4, seed: 5 }));
      await pool.run({ ...shareBatch({ batch, start: { wiped: [], storage: [], accounts: [] }, engine: 'cpu' }), indices: [0, 1] });
      // Piscina starts both workers (minThreads): each runs at 10 as well.
      await until(() => yielding() >= 4, 60_000);
      expect(niceness().get(process.pid)).toBe(main);
    } finally {
      await pool.close();
    }
  });
});
