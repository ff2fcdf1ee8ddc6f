import type { Block } from '@ethereumjs/block';
import { bytesToBigInt } from '@ethereumjs/util';
import { forkAtLeast } from '../model/fork.js';
import type { Batch } from '../model/shapes.js';
import type { GpuBlockContext } from './abi.js';

/** The block environment the kernels see, from the batch's env and the ethereumjs block made from it. */
export function gpuBlockContext(batch: Batch, block: Block): GpuBlockContext {
  const env = batch.env;
  const merged = forkAtLeast(batch.fork, 'Paris');
  return {
    fork: batch.fork,
    coinbase: env.coinbase,
    number: env.number,
    timestamp: env.timestamp,
    gasLimit: env.gasLimit,
    chainId: env.chainId,
    baseFee: env.baseFee ?? 0n,
    prevRandao: merged ? bytesToBigInt(env.prevRandao ?? new Uint8Array(32)) : env.difficulty ?? 0n,
    blobBaseFee: forkAtLeast(batch.fork, 'Cancun') ? block.header.getBlobGasPrice() : 0n,
    blockHashes: env.blockHashes,
  };
}
