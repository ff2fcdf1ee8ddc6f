import type { TxReceipt } from '@ethereumjs/vm';
import { rejection, type Rejection } from '../chain/rejections.js';
import { toTxResult, type ExecutedTx, type RawLog } from './executed-tx.js';
import type { RejectedTxShape, TxResult } from '../model/shapes.js';

/**
 * Takes committed transactions in block order and numbers them as the sequential run
 * does: cumulative gas, log indices, blob gas, receipts for the receipts root.
 */
export class BlockAssembler {
  gasUsed = 0n;
  blobGasUsed = 0n;
  readonly results: TxResult[] = [];
  readonly rejected: RejectedTxShape[] = [];
  readonly receipts: { receipt: TxReceipt; txType: number }[] = [];
  readonly allLogs: RawLog[] = [];

  constructor(
    private readonly maxBlobGas: bigint,
    private readonly blobGasPrice: bigint,
  ) {}

  /** The block's blob gas limit is checked before the transaction runs, as in the sequential run. */
  exceedsBlobGas(blobGas: bigint): boolean {
    return blobGas > 0n && this.blobGasUsed + blobGas > this.maxBlobGas;
  }

  rejectForBlobGas(index: number, blobGas: bigint): void {
    this.reject(index, rejection('TX_BLOB_GAS_EXCEEDS_BLOCK', `${this.blobGasUsed + blobGas} > ${this.maxBlobGas}`));
  }

  reject(index: number, r: Rejection): void {
    this.rejected.push({ index, ...r });
  }

  include(e: ExecutedTx): void {
    this.gasUsed += e.gasUsed;
    this.blobGasUsed += e.blobGasUsed ?? 0n;
    this.results.push(toTxResult(e, this.gasUsed, this.allLogs.length, this.blobGasPrice));
    for (const l of e.logs) this.allLogs.push(l);
    this.receipts.push({
      receipt: { status: e.error === undefined ? 1 : 0, cumulativeBlockGasUsed: this.gasUsed, bitvector: e.logsBloom, logs: e.logs },
      txType: e.type,
    });
  }
}
