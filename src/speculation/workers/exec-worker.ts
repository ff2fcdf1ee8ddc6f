import { deserialize } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { ReferenceEngine } from '../../engine/reference.js';
import type { Batch } from '../../model/shapes.js';
import { WorldState } from '../world-state.js';
import { CpuTxExecutor, type TxExecution } from './cpu-executor.js';
import { forPosting, type PostedExecution } from './posting.js';
import type { ExecReply, ExecRequest, RunReply } from './exec-protocol.js';
import { yieldToMainThread } from './thread-priority.js';

// Before anything runs here: the main thread keeps the CPU it needs (thread-priority.ts).
yieldToMainThread();

/**
 * An exec thread (exec-thread.ts has the main side): runs a whole batch on the
 * reference engine, or re-executes single transactions of a batch against a copy of
 * the main thread's committed state, which each request brings up to date.
 */

/**
 * The batch being re-executed: its executor, its copy of the committed state, and the
 * transaction run ahead, if any.
 */
interface Current {
  key: number;
  executor: Promise<CpuTxExecutor>;
  world: WorldState;
  ahead?: Ahead;
}

/** A run of transaction `index` made before it was asked for, on the state and block gas it would be asked with if it follows. */
interface Ahead {
  index: number;
  blockGasUsed: bigint;
  execution: Promise<TxExecution>;
}

let current: Current | undefined;

async function handle(req: ExecRequest): Promise<unknown> {
  await warmUp;
  if (req.kind === 'reference') return new ReferenceEngine().execute(req.batch);
  if (current?.key !== req.key) {
    // A run ahead for an earlier batch is let finish before the next batch's runs start.
    await current?.ahead?.execution.catch(() => undefined);
    const batch = deserialize(Buffer.from(req.payload)) as Batch;
    current = { key: req.key, executor: CpuTxExecutor.create(batch, 'cpu'), world: new WorldState(batch.pre) };
  }
  const cur = current;
  const ahead = cur.ahead;
  cur.ahead = undefined;
  const early = ahead && (await ahead.execution.catch(() => undefined));
  const hit = early !== undefined && req.follows && ahead!.index === req.index && ahead!.blockGasUsed === req.blockGasUsed;
  // The changes carry final values (fees included), so no coinbase is needed to apply them.
  // After a run ahead they include its predecessor's writes again: laying a final value
  // over itself changes nothing, and whatever else they bring lands on top.
  cur.world.apply(req.changes, '');
  const executor = await cur.executor;
  const execution = hit ? early : await executor.run(req.index, cur.world, req.blockGasUsed);
  if (req.ahead) runAhead(cur, executor, req.index, req.blockGasUsed, execution);
  return { execution: forPosting(execution), ranAhead: hit } satisfies RunReply;
}

/**
 * Starts transaction `index + 1` on the committed state as it will be once the main
 * thread commits `done` and nothing else: `done`'s writes are laid over the thread's
 * copy now. The main thread commits every run it is answered, so the copy is right
 * whatever it asks next; only the run ahead may go unused.
 */
function runAhead(cur: Current, executor: CpuTxExecutor, index: number, blockGasUsed: bigint, done: TxExecution): void {
  const next = index + 1;
  if (next >= executor.batch.txs.length) return;
  const included = done.kind === 'included';
  if (included) cur.world.apply(done.writes, executor.coinbase);
  const gas = blockGasUsed + (included ? done.tx.gasUsed : 0n);
  const execution = executor.run(next, cur.world, gas);
  // Not a failure of any request yet: the request for it, if one comes, sees it.
  execution.catch(() => undefined);
  cur.ahead = { index: next, blockGasUsed: gas, execution };
}

/**
 * Warms the thread on one transfer, once: ethereumjs sets up much on its first VM and
 * transaction (hundreds of ms), which would otherwise fall on the first real batch.
 */
const warmUp = new ReferenceEngine().execute({
  fork: 'Prague',
  env: { number: 1n, timestamp: 1000n, coinbase: new Uint8Array(20), gasLimit: 30_000_000n, baseFee: 7n, chainId: 1n, blockHashes: new Map() },
  pre: new Map([['0x00000000000000000000000000000000000000aa', { balance: 10n ** 18n, nonce: 0n, code: new Uint8Array(0), storage: new Map() }]]),
  txs: [{ kind: 'unsigned', tx: { type: 2n, from: new Uint8Array(20).fill(0xaa, 19), to: new Uint8Array(20).fill(0xbb, 19), nonce: 0n, gas: 21_000n, maxFeePerGas: 10n, maxPriorityFeePerGas: 1n, value: 1n, data: new Uint8Array(0) } }],
  options: { stateRoot: false },
}).catch(() => undefined);

parentPort!.on('message', (req: ExecRequest) => {
  handle(req).then(
    (value) => parentPort!.postMessage({ id: req.id, ok: true, value } satisfies ExecReply),
    (e: unknown) => parentPort!.postMessage({ id: req.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies ExecReply),
  );
});
