import { deserialize } from 'node:v8';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { ReferenceEngine } from '../../engine/reference.js';
import type { Batch } from '../../model/shapes.js';
import type { AccountState } from '../access-sets.js';
import type { StateReader } from '../world-state.js';
import { CpuTxExecutor } from './cpu-executor.js';
import type { ExecReply, ExecRequest, ExecThreadData, StateQuery } from './exec-protocol.js';

/**
 * An exec thread (exec-thread.ts has the main side): runs a whole batch on the
 * reference engine, or re-executes single transactions of a batch against the main
 * thread's committed state. That state stays on the main thread and is read through
 * synchronous queries: the thread posts a query, blocks on an Atomics flag, and takes
 * the answer off its port once the main thread has posted it and raised the flag.
 */
const { queries, flag: flagBuffer } = workerData as ExecThreadData;
const flag = new Int32Array(flagBuffer);

function ask<T>(q: StateQuery): T {
  Atomics.store(flag, 0, 0);
  queries.postMessage(q);
  Atomics.wait(flag, 0, 0);
  const answer = receiveMessageOnPort(queries as MessagePort);
  if (!answer) throw new Error('exec thread: state query without an answer');
  return answer.message as T;
}

/** The main thread's committed state, read on demand. */
const committed: StateReader = {
  account: (addr) => ask<AccountState | null>({ op: 'account', addr }) ?? undefined,
  storage: (addr, slot) => ask<bigint>({ op: 'storage', addr, slot }),
  storageEmpty: (addr) => ask<boolean>({ op: 'storageEmpty', addr }),
};

/** The executor of the batch being re-executed: one batch's transactions arrive as many requests. */
let current: { key: number; executor: Promise<CpuTxExecutor> } | undefined;

async function handle(req: ExecRequest): Promise<unknown> {
  if (req.kind === 'reference') return new ReferenceEngine().execute(req.batch);
  if (current?.key !== req.key) {
    const batch = deserialize(Buffer.from(req.payload)) as Batch;
    current = { key: req.key, executor: CpuTxExecutor.create(batch, 'cpu') };
  }
  return (await current.executor).run(req.index, committed, req.blockGasUsed);
}

parentPort!.on('message', (req: ExecRequest) => {
  handle(req).then(
    (value) => parentPort!.postMessage({ id: req.id, ok: true, value } satisfies ExecReply),
    (e: unknown) => parentPort!.postMessage({ id: req.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies ExecReply),
  );
});
