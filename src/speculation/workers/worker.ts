import { deserialize } from 'node:v8';
import type { Batch } from '../../model/shapes.js';
import type { TxWrites } from '../access-sets.js';
import { CpuTxExecutor, type TxExecution } from './cpu-executor.js';
import { WorldState } from '../world-state.js';

/**
 * A worker thread of the CPU pool. Each task names a batch (shared once, read-only, as
 * a v8-serialized SharedArrayBuffer) and some of its transactions; the worker runs
 * them speculatively against the batch's starting state and returns what each read
 * and wrote. The last batch's executor is kept: a batch arrives as many tasks.
 */
export interface SpeculationTask {
  batchId: number;
  /** v8.serialize({ batch, start }) in shared memory. */
  payload: SharedArrayBuffer;
  indices: number[];
}

export interface SpeculationPayload {
  batch: Batch;
  /** The block's system writes, applied before any transaction. */
  start: TxWrites;
  engine: string;
}

let current: { batchId: number; executor: Promise<CpuTxExecutor>; world: WorldState } | undefined;

function load(task: SpeculationTask): { executor: Promise<CpuTxExecutor>; world: WorldState } {
  if (current?.batchId === task.batchId) return current;
  const { batch, start, engine } = deserialize(Buffer.from(task.payload)) as SpeculationPayload;
  const world = new WorldState(batch.pre);
  world.apply(start, '');
  current = { batchId: task.batchId, executor: CpuTxExecutor.create(batch, engine), world };
  return current;
}

export default async function speculate(task: SpeculationTask): Promise<TxExecution[]> {
  const { executor, world } = load(task);
  const ex = await executor;
  const out: TxExecution[] = [];
  for (const i of task.indices) out.push(await ex.run(i, world, 0n));
  return out;
}
