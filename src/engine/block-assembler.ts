import type { BlockHeader } from '@ethereumjs/block';
import type { Common } from '@ethereumjs/common';
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

  /** The block's blob gas limit and price, from its Common and header (zero before Cancun). */
  static forBlock(common: Common, header: BlockHeader): BlockAssembler {
    const cancun = common.isActivatedEIP(4844);
    return new BlockAssembler(cancun ? BigInt(common.param('maxBlobGasPerBlock')) : 0n, cancun ? header.getBlobGasPrice() : 0n);
  }

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

  /** `root`: before Byzantium, the state root after the transaction, which its receipt carries instead of a status. */
  include(e: ExecutedTx, root?: Uint8Array): void {
    this.gasUsed += e.gasUsed;
    this.blobGasUsed += e.blobGasUsed ?? 0n;
    const result = toTxResult(e, this.gasUsed, this.allLogs.length, this.blobGasPrice);
    this.results.push(root ? { ...result, root } : result);
    for (const l of e.logs) this.allLogs.push(l);
    const common = { cumulativeBlockGasUsed: this.gasUsed, bitvector: e.logsBloom, logs: e.logs };
    this.receipts.push({ receipt: root ? { stateRoot: root, ...common } : { status: e.error === undefined ? 1 : 0, ...common }, txType: e.type });
  }
}
