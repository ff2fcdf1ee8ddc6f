import { bytesToHex } from '../primitives/hex.js';
import { jsonError } from './errors.js';
import {
  asArray, asObject, optionalNumber, optionalU64, parseAddress, parseHash, parseU64,
} from './json-values.js';
import type { Withdrawal } from './roots.js';

/**
 * geth's `stEnv`: the block the transactions run in, plus the parent-block fields from
 * which t8n derives what the caller left out (base fee, difficulty, excess blob gas).
 */
export interface Ommer {
  delta: bigint;
  address: string;
}

export interface T8nEnv {
  coinbase: Uint8Array;
  gasLimit: bigint;
  number: bigint;
  timestamp: bigint;
  difficulty?: bigint;
  /** PREVRANDAO, read as a number as geth does (math.HexOrDecimal256). */
  random?: bigint;
  parentDifficulty?: bigint;
  parentTimestamp: bigint;
  parentUncleHash?: Uint8Array;
  baseFee?: bigint;
  parentBaseFee?: bigint;
  parentGasUsed: bigint;
  parentGasLimit: bigint;
  excessBlobGas?: bigint;
  parentExcessBlobGas?: bigint;
  parentBlobGasUsed?: bigint;
  parentBeaconBlockRoot?: Uint8Array;
  blockHashes: Map<bigint, Uint8Array>;
  ommers: Ommer[];
  /** undefined when the env has no `withdrawals` key: geth tells absent from empty. */
  withdrawals?: Withdrawal[];
}

function required(e: Record<string, unknown>, key: string): unknown {
  if (e[key] === undefined || e[key] === null) throw jsonError(`missing required field '${key}' for stEnv`);
  return e[key];
}

function parseWithdrawal(v: unknown, i: number): Withdrawal {
  const w = asObject(v, `env.withdrawals[${i}]`);
  const f = `env.withdrawals[${i}]`;
  return {
    index: parseU64(w.index, `${f}.index`),
    validatorIndex: parseU64(w.validatorIndex, `${f}.validatorIndex`),
    address: parseAddress(w.address, `${f}.address`),
    amount: parseU64(w.amount, `${f}.amount`),
  };
}

export function parseEnv(json: unknown): T8nEnv {
  const e = asObject(json, 'env');
  const blockHashes = new Map<bigint, Uint8Array>();
  if (e.blockHashes !== undefined && e.blockHashes !== null) {
    for (const [k, v] of Object.entries(asObject(e.blockHashes, 'env.blockHashes'))) {
      blockHashes.set(parseU64(k, `env.blockHashes key ${k}`), parseHash(v, `env.blockHashes[${k}]`));
    }
  }
  const ommers = e.ommers === undefined || e.ommers === null
    ? []
    : asArray(e.ommers, 'env.ommers').map((o, i) => {
      const om = asObject(o, `env.ommers[${i}]`);
      return { delta: parseU64(om.delta, `env.ommers[${i}].delta`), address: bytesToHex(parseAddress(om.address, `env.ommers[${i}].address`)) };
    });
  return {
    coinbase: parseAddress(required(e, 'currentCoinbase'), 'env.currentCoinbase'),
    gasLimit: parseU64(required(e, 'currentGasLimit'), 'env.currentGasLimit'),
    number: parseU64(required(e, 'currentNumber'), 'env.currentNumber'),
    timestamp: parseU64(required(e, 'currentTimestamp'), 'env.currentTimestamp'),
    difficulty: optionalNumber(e.currentDifficulty, 'env.currentDifficulty'),
    random: optionalNumber(e.currentRandom, 'env.currentRandom'),
    parentDifficulty: optionalNumber(e.parentDifficulty, 'env.parentDifficulty'),
    parentTimestamp: optionalU64(e.parentTimestamp, 'env.parentTimestamp') ?? 0n,
    parentUncleHash: e.parentUncleHash === undefined || e.parentUncleHash === null ? undefined : parseHash(e.parentUncleHash, 'env.parentUncleHash'),
    baseFee: optionalNumber(e.currentBaseFee, 'env.currentBaseFee'),
    parentBaseFee: optionalNumber(e.parentBaseFee, 'env.parentBaseFee'),
    parentGasUsed: optionalU64(e.parentGasUsed, 'env.parentGasUsed') ?? 0n,
    parentGasLimit: optionalU64(e.parentGasLimit, 'env.parentGasLimit') ?? 0n,
    excessBlobGas: optionalU64(e.currentExcessBlobGas, 'env.currentExcessBlobGas'),
    parentExcessBlobGas: optionalU64(e.parentExcessBlobGas, 'env.parentExcessBlobGas'),
    parentBlobGasUsed: optionalU64(e.parentBlobGasUsed, 'env.parentBlobGasUsed'),
    parentBeaconBlockRoot: e.parentBeaconBlockRoot === undefined || e.parentBeaconBlockRoot === null
      ? undefined
      : parseHash(e.parentBeaconBlockRoot, 'env.parentBeaconBlockRoot'),
    blockHashes,
    ommers,
    withdrawals: e.withdrawals === undefined || e.withdrawals === null
      ? undefined
      : asArray(e.withdrawals, 'env.withdrawals').map(parseWithdrawal),
  };
}
