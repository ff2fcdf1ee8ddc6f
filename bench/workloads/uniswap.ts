import { createRequire } from 'node:module';
import type { Hex, WireBatch } from '../../src/model/shapes.js';
import { account, BENCH_ENV_TIMESTAMP, FEES, hex32, quantity, SENDER_BALANCE, toBatch, type Fragment } from './common.js';
import { balanceSlot, ERC20_CODE, transferCall } from './erc20.js';
import { rng } from './rng.js';
import { sender } from '../signing/keys.js';

/**
 * Uniswap V2 swaps on the real `UniswapV2Pair` runtime code, placed in the pre-state
 * with its storage written directly. Slots, from the Solidity declarations
 * (UniswapV2ERC20 first, then UniswapV2Pair; constants take no slot):
 *   0 totalSupply, 1 balanceOf, 2 allowance, 3 DOMAIN_SEPARATOR, 4 nonces,
 *   5 factory, 6 token0, 7 token1,
 *   8 reserve0 (uint112, low bits) | reserve1 (uint112) << 112 | blockTimestampLast (uint32) << 224,
 *   9 price0CumulativeLast, 10 price1CumulativeLast, 11 kLast, 12 unlocked.
 *
 * Each swap is two transactions from its own trader, the pattern Uniswap's router
 * follows: `tokenIn.transfer(pair, amountIn)`, then `pair.swap(amount0Out, amount1Out,
 * trader, "")`. The generator replays the constant-product formula (0.3% fee) in
 * batch order, so every swap passes the pair's K check even when many swaps hit one
 * pool, and the pair really does read the input from its token balance.
 */
const require = createRequire(import.meta.url);
const code = (name: string): Hex =>
  `0x${(require(`@uniswap/v2-core/build/${name}.json`) as { evm: { deployedBytecode: { object: string } } }).evm.deployedBytecode.object}`;
const PAIR_CODE = code('UniswapV2Pair');
const FACTORY_CODE = code('UniswapV2Factory');

export const FACTORY: Hex = account(0xfac, 0);
const TOKEN_COUNT = 16;
const SWAP_SELECTOR = '022c0d9f'; // swap(uint256,uint256,address,bytes)
const SLOT = { totalSupply: 0n, factory: 5n, token0: 6n, token1: 7n, reserves: 8n, unlocked: 12n } as const;
const TRANSFER_GAS = 100_000n;
const SWAP_GAS = 200_000n;
const MAX_UINT112 = (1n << 112n) - 1n;

export const tokenAddress = (i: number): Hex => account(0x70c, i);
export const pairAddress = (p: number): Hex => account(0x9a1, p);

/** Uniswap V2's getAmountOut: what the pair pays for `amountIn` after the 0.3% fee. */
export function amountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  const inWithFee = amountIn * 997n;
  return (inWithFee * reserveOut) / (reserveIn * 1000n + inWithFee);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = n;
  let y = (x + 1n) / 2n;
  while (y < x) [x, y] = [y, (y + n / y) / 2n];
  return x;
}

export interface UniswapOptions {
  txs: number;
  /** Pools the swaps are spread over (chosen at random per swap); 1 makes every swap hit one pool. */
  pools: number;
  seed: number;
}

export interface Pool {
  address: Hex;
  token0: number;
  token1: number;
  reserve0: bigint;
  reserve1: bigint;
}

export function uniswapFragment({ txs, pools, seed }: UniswapOptions): Fragment {
  const r = rng(seed);
  const swaps = Math.max(1, Math.floor(txs / 2));
  const tokenStorage: Record<string, Hex>[] = Array.from({ length: TOKEN_COUNT }, () => ({}));
  const pool: Pool[] = [];
  for (let p = 0; p < pools; p++) {
    // Pools share tokens, as real ones share WETH and stablecoins; ordered as the factory sorts them.
    const a = p % TOKEN_COUNT;
    const b = (a + 1 + (Math.floor(p / TOKEN_COUNT) % (TOKEN_COUNT - 1))) % TOKEN_COUNT;
    const [token0, token1] = BigInt(tokenAddress(a)) < BigInt(tokenAddress(b)) ? [a, b] : [b, a];
    pool.push({ address: pairAddress(p), token0, token1, reserve0: r.between(10n ** 21n, 10n ** 22n), reserve1: r.between(10n ** 21n, 10n ** 22n) });
  }
  const initial = pool.map((p) => ({ ...p }));

  const pre: WireBatch['pre'] = {};
  const out: WireBatch['txs'] = [];
  for (let i = 0; i < swaps; i++) {
    const p = pool[pools === 1 ? 0 : r.below(pools)];
    const zeroForOne = r.below(2) === 0;
    const amountIn = r.between(10n ** 15n, 10n ** 18n);
    const [reserveIn, reserveOut] = zeroForOne ? [p.reserve0, p.reserve1] : [p.reserve1, p.reserve0];
    const out1 = amountOut(amountIn, reserveIn, reserveOut);
    if (zeroForOne) [p.reserve0, p.reserve1] = [p.reserve0 + amountIn, p.reserve1 - out1];
    else [p.reserve1, p.reserve0] = [p.reserve1 + amountIn, p.reserve0 - out1];

    const trader = sender(0x7ade, i);
    const tokenIn = zeroForOne ? p.token0 : p.token1;
    pre[trader] = { balance: SENDER_BALANCE, nonce: '0x0' };
    tokenStorage[tokenIn][balanceSlot(trader)] = quantity(amountIn);
    out.push({ from: trader, to: tokenAddress(tokenIn), nonce: '0x0', gas: quantity(TRANSFER_GAS), ...FEES, value: '0x0', data: transferCall(p.address, amountIn) });
    const [out0, outOne] = zeroForOne ? [0n, out1] : [out1, 0n];
    out.push({ from: trader, to: p.address, nonce: '0x1', gas: quantity(SWAP_GAS), ...FEES, value: '0x0', data: swapCall(out0, outOne, trader) });
  }

  for (const p of initial) {
    pre[p.address] = pairAccount(p, BENCH_ENV_TIMESTAMP);
    tokenStorage[p.token0][balanceSlot(p.address)] = quantity(p.reserve0);
    tokenStorage[p.token1][balanceSlot(p.address)] = quantity(p.reserve1);
  }
  tokenStorage.forEach((storage, t) => {
    if (Object.keys(storage).length > 0) pre[tokenAddress(t)] = { balance: '0x0', nonce: '0x1', code: ERC20_CODE, storage };
  });
  pre[FACTORY] = FACTORY_ACCOUNT;
  return { pre, txs: out, gasBudget: BigInt(swaps) * (TRANSFER_GAS + SWAP_GAS) };
}

/** The pairs' `factory()`; swaps never call it, but it is real code, as on chain. */
export const FACTORY_ACCOUNT: WireBatch['pre'][string] = { balance: '0x0', nonce: '0x1', code: FACTORY_CODE, storage: { '0x1': FACTORY } };

/** A pair's account with its reserves, last updated one block before `timestamp` (so a first swap also moves the price accumulators). */
export function pairAccount(p: Pool, timestamp: bigint): WireBatch['pre'][string] {
  if (p.reserve0 > MAX_UINT112 || p.reserve1 > MAX_UINT112) throw new Error('reserve exceeds uint112');
  const packed = p.reserve0 | (p.reserve1 << 112n) | ((timestamp - 12n) << 224n);
  return {
    balance: '0x0', nonce: '0x1', code: PAIR_CODE,
    storage: {
      [quantity(SLOT.totalSupply)]: quantity(isqrt(p.reserve0 * p.reserve1)),
      [quantity(SLOT.factory)]: FACTORY,
      [quantity(SLOT.token0)]: tokenAddress(p.token0),
      [quantity(SLOT.token1)]: tokenAddress(p.token1),
      [quantity(SLOT.reserves)]: quantity(packed),
      [quantity(SLOT.unlocked)]: '0x1',
    },
  };
}

/** Calldata of `swap(amount0Out, amount1Out, to, "")`. */
export function swapCall(amount0Out: bigint, amount1Out: bigint, to: Hex): Hex {
  return `0x${SWAP_SELECTOR}${hex32(amount0Out)}${hex32(amount1Out)}${hex32(BigInt(to))}${hex32(0x80n)}${hex32(0n)}`;
}

/** Swaps spread over many pools: one pool per four swaps (eight transactions), each swap's pool drawn at random. */
export function uniswapSwapBatch(txs: number, seed = 1): WireBatch {
  return toBatch(uniswapFragment({ txs, pools: Math.max(1, Math.floor(txs / 8)), seed }));
}

/** Every swap on one pool: each reads the reserves the previous one wrote. */
export function uniswapHotBatch(txs: number, seed = 1): WireBatch {
  return toBatch(uniswapFragment({ txs, pools: 1, seed }));
}
