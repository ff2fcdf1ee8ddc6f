import { createVM, runTx, type RunTxResult } from '@ethereumjs/vm';
import { isBlob4844Tx } from '@ethereumjs/tx';
import { makeBlock, makeBlockHashSource } from '../chain/block.js';
import { makeCommon } from '../chain/common.js';
import { classifyRejection } from '../chain/rejections.js';
import { loadPreState, RecordingStateManager } from '../chain/recording-state.js';
import { receiptsRoot } from '../chain/roots.js';
import { computeStateDiff, recordingDiffSource } from '../chain/state-diff.js';
import { applyPreBlockSystemCalls } from '../chain/system-calls.js';
import { isRejection, prepareTx } from '../chain/transaction.js';
import { ServiceError } from '../errors/service-error.js';
import type { Batch, BatchResult } from '../model/shapes.js';
import { BlockAssembler } from './block-assembler.js';
import { since, type Engine, type ExecuteOptions } from './engine.js';
import { fromRunTx } from './executed-tx.js';
import { pacer } from './pace.js';
import { baseStats, batchResult } from './result.js';

export type VMInstance = Awaited<ReturnType<typeof createVM>>;

/**
 * The oracle: @ethereumjs/vm runs the batch's transactions one by one on the
 * pre-state, in a block made from the batch's env. Every other engine is judged by
 * equality with this one.
 */
export class ReferenceEngine implements Engine {
  readonly name: string = 'reference';
  readonly description: string = '@ethereumjs/vm, sequential: the oracle every other engine must equal';

  /** Called with each batch's VM before its first transaction: tests watch its events here. It must not change what the VM does. */
  protected observe(_vm: VMInstance): void {}

  async execute(batch: Batch, opts: ExecuteOptions = {}): Promise<BatchResult> {
    // Yields between transactions and stops an abandoned batch; one runTx never yields
    // (the service runs this engine on an exec thread: speculation/workers/off-thread.ts).
    // It loads the whole pre-state into a trie up front: with a source, the rest would read as empty.
    if (opts.state) throw new ServiceError('STATE_SOURCE_UNSUPPORTED', [this.name, 'it needs the whole pre-state in the batch']);
    const pace = pacer(opts.signal);
    const timings: Record<string, number> = {};
    let t = performance.now();
    const common = makeCommon(batch.fork, batch.env.chainId);
    const sm = new RecordingStateManager(common);
    await loadPreState(sm, batch.pre);
    const block = makeBlock(batch.fork, batch.env, common);
    const vm = await createVM({ common, stateManager: sm, blockchain: makeBlockHashSource(batch.env.blockHashes) as never });
    await applyPreBlockSystemCalls(vm, batch.env);
    this.observe(vm);
    const prepared = batch.txs.map((tx) => prepareTx(tx, common));
    timings.setup = since(t);

    t = performance.now();
    const asm = BlockAssembler.forBlock(common, block.header);
    for (let index = 0; index < prepared.length; index++) {
      await pace();
      const p = prepared[index];
      if (isRejection(p)) {
        asm.reject(index, p);
        continue;
      }
      const { tx, sender, hash } = p;
      const blobGas = isBlob4844Tx(tx) ? BigInt(common.param('blobGasPerBlob')) * BigInt(tx.blobVersionedHashes.length) : 0n;
      if (asm.exceedsBlobGas(blobGas)) {
        asm.rejectForBlobGas(index, blobGas);
        continue;
      }
      let res: RunTxResult;
      try {
        res = await runTx(vm, { tx, block, blockGasUsed: asm.gasUsed, skipHardForkValidation: true });
      } catch (e) {
        asm.reject(index, classifyRejection(e));
        continue;
      }
      asm.include(fromRunTx(res, tx, index, sender.bytes, hash, this.name), 'stateRoot' in res.receipt ? res.receipt.stateRoot : undefined);
    }
    timings.execute = since(t);

    t = performance.now();
    const stateDiff = await computeStateDiff(recordingDiffSource(sm), batch.pre);
    timings.diff = since(t);

    t = performance.now();
    const stateRoot = batch.options.stateRoot ? await sm.getStateRoot() : null;
    const rRoot = await receiptsRoot(asm.receipts);
    timings.roots = since(t);

    return batchResult(asm, { stateDiff, stateRoot, receiptsRoot: rRoot }, { ...baseStats(this.name, batch, asm, timings), mode: 'sequential' });
  }
}
