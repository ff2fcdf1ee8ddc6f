import { createBlockHeader } from '@ethereumjs/block';
import type { Common } from '@ethereumjs/common';
import { KECCAK256_RLP_ARRAY } from '@ethereumjs/util';
import { forkAtLeast, type Fork } from '../model/fork.js';
import { configError } from './errors.js';
import type { T8nEnv } from './env.js';

/**
 * geth's env checks, in its order (London, Shanghai, merge, then blob gas): fill in
 * what can be derived from the parent fields and refuse, with ErrorConfig, an env the
 * fork cannot run with.
 */
export function resolveEnv(input: T8nEnv, fork: Fork, common: Common): T8nEnv {
  const env = { ...input };
  if (forkAtLeast(fork, 'London') && env.baseFee === undefined) {
    if (env.parentBaseFee === undefined || env.number === 0n) {
      throw configError("EIP-1559 config but missing 'currentBaseFee' in env section");
    }
    env.baseFee = nextBaseFee(env.parentBaseFee, env.parentGasUsed, env.parentGasLimit);
  }
  if (forkAtLeast(fork, 'Shanghai') && env.withdrawals === undefined) {
    throw configError("Shanghai config but missing 'withdrawals' in env section");
  }
  if (forkAtLeast(fork, 'Paris')) {
    if (env.random === undefined) throw configError('post-merge requires currentRandom to be defined in env');
    if (env.difficulty !== undefined && env.difficulty !== 0n) throw configError('post-merge difficulty must be zero (or omitted) in env');
    env.difficulty = undefined;
  } else if (env.difficulty === undefined) {
    if (env.parentDifficulty === undefined) {
      throw configError('currentDifficulty was not provided, and cannot be calculated due to missing parentDifficulty');
    }
    if (env.number === 0n) throw configError('currentDifficulty needs to be provided for block number 0');
    if (env.timestamp <= env.parentTimestamp) {
      throw configError(`currentDifficulty cannot be calculated -- currentTime (${env.timestamp}) needs to be after parent time (${env.parentTimestamp})`);
    }
    env.difficulty = ethashDifficulty(env, common);
  }
  // Unlike the checks above, a missing excess blob gas is not fatal: geth then rejects blob transactions only.
  if (env.excessBlobGas === undefined && env.parentExcessBlobGas !== undefined && env.parentBlobGasUsed !== undefined) {
    env.excessBlobGas = nextExcessBlobGas(env.parentExcessBlobGas, env.parentBlobGasUsed, common);
  }
  return env;
}

// Fixed by EIP-1559 (geth has them as chain parameters with these mainnet values).
const ELASTICITY_MULTIPLIER = 2n;
const BASE_FEE_MAX_CHANGE_DENOMINATOR = 8n;

/** EIP-1559: the base fee moves by at most 1/8 towards keeping blocks at half the gas limit. */
export function nextBaseFee(parentBaseFee: bigint, parentGasUsed: bigint, parentGasLimit: bigint): bigint {
  const denominator = BASE_FEE_MAX_CHANGE_DENOMINATOR;
  const target = parentGasLimit / ELASTICITY_MULTIPLIER;
  if (parentGasUsed === target) return parentBaseFee;
  if (target === 0n) throw configError('cannot derive currentBaseFee: parentGasLimit is zero but parentGasUsed is not');
  if (parentGasUsed > target) {
    const delta = (parentBaseFee * (parentGasUsed - target)) / target / denominator;
    return parentBaseFee + (delta > 1n ? delta : 1n);
  }
  const delta = (parentBaseFee * (target - parentGasUsed)) / target / denominator;
  return parentBaseFee > delta ? parentBaseFee - delta : 0n;
}

/** EIP-4844: excess accumulates whatever the parent used above the fork's per-block target. */
export function nextExcessBlobGas(parentExcess: bigint, parentUsed: bigint, common: Common): bigint {
  const target = BigInt(common.getBlobGasSchedule().targetBlobGasPerBlock);
  return parentExcess + parentUsed < target ? 0n : parentExcess + parentUsed - target;
}

/** Ethash difficulty of the block from its parent's (ethereumjs implements the per-fork formula and bomb delays). */
function ethashDifficulty(env: T8nEnv, common: Common): bigint {
  const opts = { common, skipConsensusFormatValidation: true, setHardfork: false } as const;
  const parent = createBlockHeader(
    {
      number: env.number - 1n,
      timestamp: env.parentTimestamp,
      difficulty: env.parentDifficulty,
      // geth treats an all-zero (absent) parent uncle hash as "no uncles".
      uncleHash: env.parentUncleHash && env.parentUncleHash.some((b) => b !== 0) ? env.parentUncleHash : KECCAK256_RLP_ARRAY,
    },
    opts,
  );
  const header = createBlockHeader({ number: env.number, timestamp: env.timestamp }, opts);
  return header.ethashCanonicalDifficulty(parent);
}
