import { deserialize } from 'node:v8';
import { isRejection } from '../../chain/transaction.js';
import { fromDecoded } from '../tx-view.js';
import { WorldState } from '../world-state.js';
import { CpuTxExecutor, type TxExecution } from './cpu-executor.js';
import { forPosting, type PostedExecution } from './posting.js';
import type { BatchTask, DecodedTx, SpeculationPayload } from './share.js';
import { yieldToMainThread } from './thread-priority.js';

// Before anything runs here: the main thread keeps the CPU it needs (thread-priority.ts).
yieldToMainThread();

/**
 * A worker thread of the CPU pool. Each task names a shared batch and some of its
 * transactions. `speculate` (the default) runs them against the batch's starting state
 * and returns what each read and wrote; `decode` recovers signed transactions' senders,
 * the part of decoding that costs (about half a millisecond each), so the main thread
 * does not do it serially. The last batch's executor is kept: a batch arrives as many
 * tasks.
 */
let current: { batchId: number; executor: Promise<CpuTxExecutor>; world: WorldState } | undefined;

function load(task: BatchTask): { executor: Promise<CpuTxExecutor>; world: WorldState } {
  if (current?.batchId === task.batchId) return current;
  const { batch, start, engine } = deserialize(Buffer.from(task.payload)) as SpeculationPayload;
  const world = new WorldState(batch.pre);
  world.apply(start, '');
  current = { batchId: task.batchId, executor: CpuTxExecutor.create(batch, engine), world };
  return current;
}

export default async function speculate(task: BatchTask): Promise<PostedExecution[]> {
  const { executor, world } = load(task);
  const ex = await executor;
  const out: PostedExecution[] = [];
  for (const i of task.indices) out.push(forPosting(await ex.run(i, world, 0n)));
  return out;
}

export async function decode(task: BatchTask): Promise<DecodedTx[]> {
  const ex = await load(task).executor;
  return task.indices.map((index) => {
    const p = ex.preparedTx(index);
    if (isRejection(p)) return { index };
    // Its own array (a pooled buffer's view would be cloned whole).
    const sender = p.sender.bytes.slice();
    return { index, sender, tx: fromDecoded(p.tx, sender), ...(p.hash ? { hash: p.hash } : {}) };
  });
}
