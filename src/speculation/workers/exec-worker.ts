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
  await warmUp;
  if (req.kind === 'reference') return new ReferenceEngine().execute(req.batch);
  if (current?.key !== req.key) {
    const batch = deserialize(Buffer.from(req.payload)) as Batch;
    current = { key: req.key, executor: CpuTxExecutor.create(batch, 'cpu'), world: new WorldState(batch.pre) };
  }
  // The changes carry final values (fees included), so no coinbase is needed to apply them.
  current.world.apply(req.changes, '');
  return (await current.executor).run(req.index, current.world, req.blockGasUsed);
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
