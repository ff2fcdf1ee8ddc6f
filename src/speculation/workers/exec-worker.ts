import { deserialize } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { ReferenceEngine } from '../../engine/reference.js';
import type { Batch } from '../../model/shapes.js';
import { WorldState } from '../world-state.js';
import { CpuTxExecutor } from './cpu-executor.js';
import type { ExecReply, ExecRequest } from './exec-protocol.js';

/**
 * An exec thread (exec-thread.ts has the main side): runs a whole batch on the
 * reference engine, or re-executes single transactions of a batch against a copy of
 * the main thread's committed state, which each request brings up to date.
 */

/** The batch being re-executed: its executor and its copy of the committed state. */
let current: { key: number; executor: Promise<CpuTxExecutor>; world: WorldState } | undefined;

async function handle(req: ExecRequest): Promise<unknown> {
  if (req.kind === 'reference') return new ReferenceEngine().execute(req.batch);
  if (current?.key !== req.key) {
    const batch = deserialize(Buffer.from(req.payload)) as Batch;
    current = { key: req.key, executor: CpuTxExecutor.create(batch, 'cpu'), world: new WorldState(batch.pre) };
  }
  // The changes carry final values (fees included), so no coinbase is needed to apply them.
  current.world.apply(req.changes, '');
  return (await current.executor).run(req.index, current.world, req.blockGasUsed);
}

parentPort!.on('message', (req: ExecRequest) => {
  handle(req).then(
    (value) => parentPort!.postMessage({ id: req.id, ok: true, value } satisfies ExecReply),
    (e: unknown) => parentPort!.postMessage({ id: req.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies ExecReply),
  );
});
