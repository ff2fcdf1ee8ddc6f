import { logsHash, orBlooms } from '../chain/roots.js';
import type { Batch, BatchResult, BatchStats, StateDiff } from '../model/shapes.js';
import type { BlockAssembler } from './block-assembler.js';
import { countEngines } from './executed-tx.js';

/** A batch's result from its assembled block and the roots: the one assembly every engine uses. */
export function batchResult(asm: BlockAssembler, roots: { stateDiff: StateDiff; stateRoot: Uint8Array | null; receiptsRoot: Uint8Array }, stats: BatchStats): BatchResult {
  return {
    results: asm.results,
    rejected: asm.rejected,
    stateDiff: roots.stateDiff,
    stateRoot: roots.stateRoot,
    receiptsRoot: roots.receiptsRoot,
    logsBloom: orBlooms(asm.results.map((r) => r.logsBloom)),
    logsHash: logsHash(asm.allLogs),
    gasUsed: asm.gasUsed,
    blobGasUsed: asm.blobGasUsed,
    stats,
  };
}

/** The counts every engine's stats start with. */
export function baseStats(engine: string, batch: Batch, asm: BlockAssembler, timingsMs: Record<string, number>) {
  return {
    engine,
    txs: batch.txs.length,
    included: asm.results.length,
    rejected: asm.rejected.length,
    engines: countEngines(asm.results),
    timingsMs,
  };
}
