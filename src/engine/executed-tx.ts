import { Capability, isBlob4844Tx, type TypedTransaction } from '@ethereumjs/tx';
import type { RunTxResult } from '@ethereumjs/vm';
import { canonicalEvmError, outcomeFromEthereumjs } from '../evm/outcome.js';
import type { Log, TxResult } from '../model/shapes.js';

/** A log as ethereumjs emits it: address, topics, data. */
export type RawLog = [address: Uint8Array, topics: Uint8Array[], data: Uint8Array];

/**
 * One included transaction's execution, before its place in the block is known: every
 * engine reduces its run to this, and `toTxResult` numbers it (cumulative gas, log
 * indices) the same way for all of them.
 */
export interface ExecutedTx {
  index: number;
  type: number;
  from: Uint8Array;
  hash?: Uint8Array;
  /** Canonical EVM error of the top-level frame (canonicalEvmError), if it failed. */
  error?: string;
  gasUsed: bigint;
  logs: RawLog[];
  logsBloom: Uint8Array;
  returnData: Uint8Array;
  contractAddress: Uint8Array | null;
  /** Present exactly for blob transactions. */
  blobGasUsed?: bigint;
  engine: string;
}

export function toTxResult(e: ExecutedTx, cumulativeGasUsed: bigint, firstLogIndex: number, blobGasPrice: bigint): TxResult {
  const logs: Log[] = e.logs.map(([address, topics, data], i) => ({ address, topics, data, logIndex: BigInt(firstLogIndex + i) }));
  return {
    index: e.index,
    type: BigInt(e.type),
    from: e.from,
    ...(e.hash ? { hash: e.hash } : {}),
    status: e.error === undefined ? 1n : 0n,
    outcome: outcomeFromEthereumjs(e.error, e.returnData.length),
    gasUsed: e.gasUsed,
    cumulativeGasUsed,
    logs,
    logsBloom: e.logsBloom,
    returnData: e.returnData,
    contractAddress: e.contractAddress,
    ...(e.blobGasUsed !== undefined ? { blobGasUsed: e.blobGasUsed, blobGasPrice } : {}),
    ...(e.error !== undefined ? { error: e.error } : {}),
    engine: e.engine,
  };
}

/** What runTx returned for an included transaction, as an ExecutedTx. */
export function fromRunTx(
  res: RunTxResult,
  tx: TypedTransaction,
  index: number,
  from: Uint8Array,
  hash: Uint8Array | undefined,
  engine: string,
): ExecutedTx {
  const raw = res.execResult.exceptionError?.error;
  return {
    index,
    type: tx.type,
    from,
    ...(hash ? { hash } : {}),
    ...(raw !== undefined ? { error: canonicalEvmError(raw) } : {}),
    gasUsed: res.totalGasSpent,
    logs: (res.execResult.logs ?? []) as RawLog[],
    logsBloom: res.bloom.bitvector,
    returnData: res.execResult.returnValue,
    contractAddress: res.createdAddress?.bytes ?? null,
    ...(tx.supports(Capability.EIP2718TypedTransaction) && isBlob4844Tx(tx) ? { blobGasUsed: res.blobGasUsed ?? 0n } : {}),
    engine,
  };
}

/** stats.engines: how many included transactions each engine label ran. */
export function countEngines(results: TxResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.engine] = (counts[r.engine] ?? 0) + 1;
  return counts;
}
