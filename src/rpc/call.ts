import type { Common } from '@ethereumjs/common';
import { createVM, runTx } from '@ethereumjs/vm';
import { makeBlock, makeBlockHashSource } from '../chain/block.js';
import { isRejection, prepareTx } from '../chain/transaction.js';
import type { Fork } from '../model/fork.js';
import type { BlockEnv, UnsignedTx } from '../model/shapes.js';
import { bytesToHex, hexToBytes, type Hex } from '../primitives/hex.js';
import { EXECUTION_REVERTED, RpcError, SERVER_ERROR } from './dispatch.js';
import type { StateView } from './state-view.js';

/**
 * eth_call and eth_estimateGas on the reference EVM (@ethereumjs/vm, as the reference
 * engine runs it) over a stored block's state: the call runs as a transaction from
 * `from` (default the zero address) at the block's context, its writes kept in memory.
 * Without fee fields it pays nothing, in a block whose base fee reads as zero (as geth
 * does); with them the sender must afford them. Nonces are not checked.
 */
export interface CallRequest {
  from?: Hex;
  to: Hex | null;
  gas?: bigint;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  value?: bigint;
  data?: Uint8Array;
  accessList?: { address: Uint8Array; storageKeys: Uint8Array[] }[];
}

export interface CallContext {
  fork: Fork;
  common: Common;
  env: BlockEnv;
  /** A fresh view of the block's state for each run (a run's writes stay in its view). */
  state(): Promise<StateView>;
}

export interface CallOutcome {
  success: boolean;
  reverted: boolean;
  returnData: Uint8Array;
  gasUsed: bigint;
  error?: string;
}

const ZERO: Hex = '0x0000000000000000000000000000000000000000';

/** The unsigned transaction a call runs as. */
export function callTx(req: CallRequest, nonce: bigint, gas: bigint, chainId: bigint): UnsignedTx {
  const priced = req.gasPrice !== undefined || req.maxFeePerGas !== undefined;
  const dynamic = req.gasPrice === undefined;
  return {
    type: dynamic ? 2n : req.accessList ? 1n : 0n,
    from: hexToBytes(req.from ?? ZERO), to: req.to === null ? null : hexToBytes(req.to), nonce, gas, chainId,
    value: req.value ?? 0n, data: req.data ?? new Uint8Array(0),
    ...(dynamic ? { maxFeePerGas: priced ? req.maxFeePerGas! : 0n, maxPriorityFeePerGas: req.maxPriorityFeePerGas ?? 0n } : { gasPrice: req.gasPrice }),
    ...(req.accessList ? { accessList: req.accessList } : {}),
  };
}

/** The block's context for a call: its base fee only when the call pays fees. */
export function callEnv(req: CallRequest, env: BlockEnv): BlockEnv {
  const priced = req.gasPrice !== undefined || req.maxFeePerGas !== undefined;
  return priced ? env : { ...env, baseFee: env.baseFee === undefined ? undefined : 0n };
}

export async function runCall(ctx: CallContext, req: CallRequest, gas: bigint): Promise<CallOutcome> {
  const view = await ctx.state();
  const nonce = (await view.account(req.from ?? ZERO))?.nonce ?? 0n;
  const env = callEnv(req, ctx.env);
  const vm = await createVM({ common: ctx.common, stateManager: view.stateManager(ctx.common), blockchain: makeBlockHashSource(env.blockHashes) as never });
  const block = makeBlock(ctx.fork, env, ctx.common);
  const p = prepareTx({ kind: 'unsigned', tx: callTx(req, nonce, gas, ctx.common.chainId()) }, ctx.common);
  if (isRejection(p)) throw new RpcError(SERVER_ERROR, p.error);
  try {
    const r = await runTx(vm, { tx: p.tx, block, skipNonce: true, skipBlockGasLimitValidation: true, skipHardForkValidation: true });
    const e = r.execResult.exceptionError;
    return {
      success: e === undefined, reverted: e?.error === 'revert', returnData: r.execResult.returnValue, gasUsed: r.totalGasSpent,
      ...(e ? { error: e.error } : {}),
    };
  } catch (e) {
    // Refused before it ran: the sender cannot pay, the gas is below the intrinsic cost...
    throw new RpcError(SERVER_ERROR, (e as Error).message.split('(block')[0].trim());
  }
}

/** eth_call: the return data, or the revert as error 3 with its data. */
export async function ethCall(ctx: CallContext, req: CallRequest): Promise<Hex> {
  const r = await runCall(ctx, req, req.gas ?? ctx.env.gasLimit);
  if (r.reverted) throw new RpcError(EXECUTION_REVERTED, 'execution reverted', bytesToHex(r.returnData));
  if (!r.success) throw new RpcError(SERVER_ERROR, r.error ?? 'execution failed');
  return bytesToHex(r.returnData);
}

/** eth_estimateGas: the least gas limit with which the call succeeds, by binary search up to the request's gas or the block's limit. */
export async function estimateGas(ctx: CallContext, req: CallRequest): Promise<bigint> {
  let hi = req.gas ?? ctx.env.gasLimit;
  const top = await runCall(ctx, req, hi);
  if (top.reverted) throw new RpcError(EXECUTION_REVERTED, 'execution reverted', bytesToHex(top.returnData));
  if (!top.success) throw new RpcError(SERVER_ERROR, `gas required exceeds allowance (${hi}): ${top.error}`);
  // Gas used is a lower bound: below it nothing succeeds.
  let lo = top.gasUsed - 1n;
  const ok = async (g: bigint) => {
    try {
      return (await runCall(ctx, req, g)).success;
    } catch (e) {
      if (e instanceof RpcError && /intrinsic|gas limit/i.test(e.message)) return false;
      throw e;
    }
  };
  // Most calls need exactly what they used, or a little more (the 63/64 rule): try those first.
  if (await ok(top.gasUsed)) return top.gasUsed;
  const guess = (top.gasUsed * 64n) / 63n + 1n;
  if (guess < hi && (await ok(guess))) hi = guess;
  lo = top.gasUsed;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (await ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
