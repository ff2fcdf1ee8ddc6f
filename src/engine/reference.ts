import { createVM, runTx, type RunTxResult, type TxReceipt } from '@ethereumjs/vm';
import type { Common } from '@ethereumjs/common';
import { isBlob4844Tx } from '@ethereumjs/tx';
import { makeBlock, makeBlockHashSource } from '../chain/block.js';
import { makeCommon } from '../chain/common.js';
import { rejection } from '../chain/rejections.js';
import { classifyRejection } from '../chain/rejections.js';
import { loadPreState, RecordingStateManager } from '../chain/recording-state.js';
import { logsHash, orBlooms, receiptsRoot } from '../chain/roots.js';
import { computeStateDiff, recordingDiffSource } from '../chain/state-diff.js';
import { applyPreBlockSystemCalls } from '../chain/system-calls.js';
import { isRejection, prepareTx, type PreparedTx } from '../chain/transaction.js';
import type { Rejection } from '../chain/rejections.js';
import type { Batch, BatchResult, RejectedTxShape, TxResult } from '../model/shapes.js';
import { countEngines, fromRunTx, toTxResult } from './executed-tx.js';
import { since, type Engine } from './engine.js';

/**
 * The oracle: @ethereumjs/vm runs the batch's transactions one by one on the
 * pre-state, in a block made from the batch's env. Every other engine is judged by
 * equality with this one.
 */
/** What an engine built on the sequential runner attaches to the VM's frame execution. */
export interface FrameExecutor {
  /** Called before each transaction that reaches runTx, with its index in the batch. */
  beginTx?(index: number): void;
  /** Which engine executed the transaction that just ran (reference, gpu, cpu or mixed). */
  takeTxEngine(): string;
  /** Extra per-batch timings (ms), merged into stats.timingsMs. */
  timings(): Record<string, number>;
  /** Extra per-batch counters, merged into stats. */
  stats?(): Record<string, unknown>;
}

export interface SequentialContext {
  /** Each transaction decoded (sender recovered) once, or why it is invalid. */
  prepared: (PreparedTx | Rejection)[];
  batch: Batch;
  common: Common;
  block: ReturnType<typeof makeBlock>;
  stateManager: RecordingStateManager;
}

export class ReferenceEngine implements Engine {
  readonly name: string = 'reference';
  readonly description: string = '@ethereumjs/vm, sequential: the oracle every other engine must equal';

  /**
   * Engines that keep the reference's transaction-level semantics (validation, fees,
   * refunds, receipts) and execute frames elsewhere override this to wrap the VM.
   */
  protected async attachFrameExecutor(_vm: VMInstance, _ctx: SequentialContext): Promise<FrameExecutor | undefined> {
    return undefined;
  }

  async execute(batch: Batch): Promise<BatchResult> {
    const timings: Record<string, number> = {};
    let t = performance.now();
    const common = makeCommon(batch.fork, batch.env.chainId);
    const sm = new RecordingStateManager(common);
    await loadPreState(sm, batch.pre);
    const block = makeBlock(batch.fork, batch.env, common);
    const vm = await createVM({ common, stateManager: sm, blockchain: makeBlockHashSource(batch.env.blockHashes) as never });
    await applyPreBlockSystemCalls(vm, batch.env);
    const prepared = batch.txs.map((tx) => prepareTx(tx, common));
    const frames = await this.attachFrameExecutor(vm, { prepared, batch, common, block, stateManager: sm });
    timings.setup = since(t);

    t = performance.now();
    const run = await runSequential(vm, common, prepared, block, () => frames?.takeTxEngine() ?? this.name, (i) => frames?.beginTx?.(i));
    timings.execute = since(t);
    Object.assign(timings, frames?.timings());

    t = performance.now();
    const stateDiff = await computeStateDiff(recordingDiffSource(sm), batch.pre);
    timings.diff = since(t);

    t = performance.now();
    const stateRoot = batch.options.stateRoot ? await sm.getStateRoot() : null;
    const rRoot = await receiptsRoot(run.receipts);
    timings.roots = since(t);

    return {
      results: run.results,
      rejected: run.rejected,
      stateDiff,
      stateRoot,
      receiptsRoot: rRoot,
      logsBloom: orBlooms(run.results.map((r) => r.logsBloom)),
      logsHash: logsHash(run.allLogs),
      gasUsed: run.gasUsed,
      blobGasUsed: run.blobGasUsed,
      stats: {
        engine: this.name,
        txs: batch.txs.length,
        included: run.results.length,
        rejected: run.rejected.length,
        engines: countEngines(run.results),
        timingsMs: timings,
        ...frames?.stats?.(),
      },
    };
  }
}

type VMInstance = Awaited<ReturnType<typeof createVM>>;

interface SequentialRun {
  results: TxResult[];
  rejected: RejectedTxShape[];
  receipts: { receipt: TxReceipt; txType: number }[];
  allLogs: [Uint8Array, Uint8Array[], Uint8Array][];
  gasUsed: bigint;
  blobGasUsed: bigint;
}

async function runSequential(
  vm: VMInstance,
  common: Common,
  preparedTxs: (PreparedTx | Rejection)[],
  block: ReturnType<typeof makeBlock>,
  txEngine: () => string,
  beginTx: (index: number) => void = () => {},
): Promise<SequentialRun> {
  const out: SequentialRun = { results: [], rejected: [], receipts: [], allLogs: [], gasUsed: 0n, blobGasUsed: 0n };
  const maxBlobGas = common.isActivatedEIP(4844) ? BigInt(common.param('maxBlobGasPerBlock')) : 0n;
  for (let index = 0; index < preparedTxs.length; index++) {
    const prepared = preparedTxs[index];
    if (isRejection(prepared)) {
      out.rejected.push({ index, ...prepared });
      continue;
    }
    const { tx, sender, hash } = prepared;
    const blobGas = isBlob4844Tx(tx) ? BigInt(common.param('blobGasPerBlob')) * BigInt(tx.blobVersionedHashes.length) : 0n;
    if (blobGas > 0n && out.blobGasUsed + blobGas > maxBlobGas) {
      out.rejected.push({ index, ...rejection('TX_BLOB_GAS_EXCEEDS_BLOCK', `${out.blobGasUsed + blobGas} > ${maxBlobGas}`) });
      continue;
    }
    let res: RunTxResult;
    beginTx(index);
    try {
      res = await runTx(vm, { tx, block, blockGasUsed: out.gasUsed, skipHardForkValidation: true });
    } catch (e) {
      txEngine(); // a rejected transaction ran no frame worth counting
      out.rejected.push({ index, ...classifyRejection(e) });
      continue;
    }
    out.gasUsed += res.totalGasSpent;
    out.blobGasUsed += res.blobGasUsed ?? 0n;
    const executed = fromRunTx(res, tx, index, sender.bytes, hash, txEngine());
    const result = toTxResult(executed, out.gasUsed, out.allLogs.length, isBlob4844Tx(tx) ? block.header.getBlobGasPrice() : 0n);
    for (const l of executed.logs) out.allLogs.push(l);
    out.receipts.push({ receipt: res.receipt, txType: tx.type });
    out.results.push('stateRoot' in res.receipt ? { ...result, root: res.receipt.stateRoot } : result);
  }
  return out;
}
