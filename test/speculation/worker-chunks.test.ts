import { describe, expect, it } from 'vitest';
import type { Batch } from '../../src/model/shapes.js';
import type { Plan } from '../../src/speculation/plan.js';
import { newSpeculationStats } from '../../src/speculation/stats.js';
import type { TxExecution } from '../../src/speculation/workers/cpu-executor.js';
import type { SharedBatch } from '../../src/speculation/workers/share.js';
import { WorkerSpeculation } from '../../src/speculation/workers/speculate.js';
import type { CpuWorkerPool } from '../../src/speculation/workers/worker-pool.js';

/** A pool whose tasks finish when the test says so. */
function heldPool() {
  const tasks: { indices: number[]; finish: () => void }[] = [];
  const pool = {
    threads: 1,
    run(task: { indices: number[] }): Promise<TxExecution[]> {
      return new Promise((resolve) => {
        const rows = task.indices.map((index): TxExecution => ({ index, kind: 'undecodable', rejection: { code: 'TX_TYPE_NOT_SUPPORTED', message: `t${index}` } as never }));
        tasks.push({ indices: task.indices, finish: () => resolve(rows) });
      });
    },
  };
  return { pool: pool as unknown as CpuWorkerPool, tasks };
}

function plan(kinds: ('worker' | 'frame')[]): Plan {
  return { routes: kinds.map((kind) => (kind === 'worker' ? { kind } : ({ kind, frame: undefined } as never))), targets: kinds.map(() => undefined) };
}

describe('worker speculation by chunks', () => {
  it('sends a chunk without waiting for it; only a worker transaction waits, for its own chunk', async () => {
    const { pool, tasks } = heldPool();
    const batch = { txs: Array(6).fill({}) } as unknown as Batch;
    const spec = new WorkerSpeculation(pool, batch, () => ({}) as SharedBatch, plan(['frame', 'frame', 'worker', 'frame', 'worker', 'worker']), newSpeculationStats(), { chunk: 3, ahead: 2 });
    spec.advance(0);
    // Both chunks ahead are in flight, and nothing was awaited: the frames before index 2 commit meanwhile.
    expect(tasks.map((t) => t.indices)).toEqual([[2], [4, 5]]);
    let got: TxExecution | undefined;
    const pending = spec.result(2).then((e) => (got = e));
    await new Promise((r) => setTimeout(r, 5));
    expect(got).toBeUndefined();
    tasks[0].finish();
    await pending;
    expect(got?.index).toBe(2);
    spec.advance(1);
    tasks[1].finish();
    expect((await spec.result(4))?.index).toBe(4);
    expect((await spec.result(5))?.index).toBe(5);
    // A transaction the chunk did not send has no speculative run.
    expect(await spec.result(3)).toBeUndefined();
  });

  it('counts tasks ahead, not chunks: chunks without worker transactions are passed over', async () => {
    const { pool, tasks } = heldPool();
    // Chunks of two: worker transactions only in chunks 3, 5 and 6.
    const kinds: ('worker' | 'frame')[] = ['frame', 'frame', 'frame', 'frame', 'frame', 'frame', 'worker', 'frame', 'frame', 'frame', 'frame', 'worker', 'worker', 'frame'];
    const batch = { txs: Array(kinds.length).fill({}) } as unknown as Batch;
    const spec = new WorkerSpeculation(pool, batch, () => ({}) as SharedBatch, plan(kinds), newSpeculationStats(), { chunk: 2, ahead: 2 });
    spec.advance(0);
    // Two tasks from the start, though the first worker transaction is three chunks on.
    expect(tasks.map((t) => t.indices)).toEqual([[6], [11]]);
    spec.advance(1);
    spec.advance(2);
    expect(tasks).toHaveLength(2);
    spec.advance(3);
    tasks[0].finish();
    expect((await spec.result(6))?.index).toBe(6);
    spec.advance(4);
    // Chunk 5 is still in flight, so one more task goes: chunk 6.
    expect(tasks.map((t) => t.indices)).toEqual([[6], [11], [12]]);
    spec.advance(5);
    tasks[1].finish();
    expect((await spec.result(11))?.index).toBe(11);
    spec.advance(6);
    tasks[2].finish();
    expect((await spec.result(12))?.index).toBe(12);
    expect(tasks).toHaveLength(3);
  });
});
