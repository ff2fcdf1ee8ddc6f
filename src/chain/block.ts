import type { Common } from '@ethereumjs/common';
import { createBlock, type Block } from '@ethereumjs/block';
import { forkAtLeast, type Fork } from '../model/fork.js';
import type { BlockEnv } from '../model/shapes.js';

/** The ethereumjs block whose header is the batch's execution context. */
export function makeBlock(fork: Fork, env: BlockEnv, common: Common): Block {
  const merged = forkAtLeast(fork, 'Paris');
  return createBlock(
    {
      header: {
        number: env.number,
        timestamp: env.timestamp,
        coinbase: env.coinbase,
        gasLimit: env.gasLimit,
        baseFeePerGas: forkAtLeast(fork, 'London') ? env.baseFee : undefined,
        difficulty: merged ? 0n : env.difficulty ?? 0n,
        mixHash: merged ? env.prevRandao ?? new Uint8Array(32) : undefined,
        excessBlobGas: forkAtLeast(fork, 'Cancun') ? env.excessBlobGas ?? 0n : undefined,
        blobGasUsed: forkAtLeast(fork, 'Cancun') ? 0n : undefined,
        parentBeaconBlockRoot: forkAtLeast(fork, 'Cancun') ? env.parentBeaconBlockRoot ?? new Uint8Array(32) : undefined,
        requestsHash: forkAtLeast(fork, 'Prague') ? new Uint8Array(32) : undefined,
      },
    },
    { common, skipConsensusFormatValidation: true, setHardfork: false },
  );
}

/** BLOCKHASH source for the EVM: the batch's `env.blockHashes`, zero for unknown numbers. */
export function makeBlockHashSource(hashes: Map<bigint, Uint8Array>) {
  const zero = new Uint8Array(32);
  const source = {
    async getBlock(n: number) {
      const h = hashes.get(BigInt(n)) ?? zero;
      return { hash: () => h };
    },
    async putBlock() {},
    shallowCopy() {
      return source;
    },
  };
  return source;
}
