import type { ChainBlockShape } from '../../src/model/chain.js';
import type { Account, Hex, WireBatch } from '../../src/model/shapes.js';
import { parseAccount } from '../../src/wire/parse.js';
import { account, FEES, quantity } from '../workloads/common.js';
import { balanceSlot, ERC20_CODE, TOKEN, transferCall } from '../workloads/erc20.js';
import { rng } from '../workloads/rng.js';
import { amountOut, FACTORY, FACTORY_ACCOUNT, pairAccount, pairAddress, swapCall, tokenAddress, type Pool } from '../workloads/uniswap.js';

/**
 * The chain the benchmark applies: a genesis of `accounts` funded accounts (plus an ERC-20
 * token whose first `holders` accounts hold a balance, 16 Uniswap tokens and their pools),
 * and `blocks` blocks of `txs` transactions each: ERC-20 transfers from accounts that
 * send once, to random accounts (a tenth of them new), and Uniswap swaps (a transfer
 * into the pool, then the swap, from a trader that trades once) over the pools, the
 * constant product replayed in chain order so every swap passes the pool's K check.
 * Everything is derived from the seed; the genesis is generated, never held as JSON.
 */
export interface ChainPlanOptions {
  accounts: number;
  blocks: number;
  txs: number;
  /** Share of each block's transactions that are swap transactions (two per swap). */
  swapShare: number;
  pools: number;
  seed: number;
}

export interface PlannedBlock {
  block: ChainBlockShape<Hex, Hex>;
  /** What the block reads, for the same transactions posted to /v1/execute with their pre-state. */
  reads: Map<string, Set<bigint>>;
}

export const TIMESTAMP = 1_700_000_000n;
export const COINBASE: Hex = '0x0000000000000000000000000000000000000c0b';
const TRANSFER_GAS = 100_000n;
const SWAP_GAS = 200_000n;
const TOKENS = 16;
/** Pair storage: totalSupply, factory, token0, token1, reserves, cumulative prices, kLast, unlocked. */
const PAIR_SLOTS = Array.from({ length: 13 }, (_, i) => BigInt(i));

export const holder = (i: number): Hex => account(0xacc, i);
const newcomer = (i: number): Hex => account(0xbee, i);

export class ChainPlan {
  readonly blocks: PlannedBlock[] = [];
  private readonly pools: Pool[] = [];
  private readonly initial: Pool[];
  /** Token balances the genesis gives: [token index, holder] -> amount (ERC-20 `TOKEN` is index -1). */
  private readonly swapBalances = new Map<string, bigint>();
  readonly holders: number;

  constructor(readonly o: ChainPlanOptions) {
    const r = rng(o.seed);
    for (let p = 0; p < o.pools; p++) {
      const a = p % TOKENS;
      const b = (a + 1 + (Math.floor(p / TOKENS) % (TOKENS - 1))) % TOKENS;
      const [token0, token1] = BigInt(tokenAddress(a)) < BigInt(tokenAddress(b)) ? [a, b] : [b, a];
      this.pools.push({ address: pairAddress(p), token0, token1, reserve0: r.between(10n ** 24n, 10n ** 25n), reserve1: r.between(10n ** 24n, 10n ** 25n) });
    }
    this.initial = this.pools.map((p) => ({ ...p }));
    const swapsPerBlock = Math.floor((o.txs * o.swapShare) / 2);
    const transfersPerBlock = o.txs - 2 * swapsPerBlock;
    let sender = 0;
    let trader = o.blocks * transfersPerBlock;
    let fresh = 0;
    if (trader + o.blocks * swapsPerBlock > o.accounts) throw new Error(`${o.accounts} accounts are too few: each sender and trader sends once`);
    this.holders = Math.max(trader, Math.min(o.accounts, 200_000));
    for (let k = 1; k <= o.blocks; k++) {
      const reads = new Map<string, Set<bigint>>();
      const read = (addr: Hex, ...slots: bigint[]) => {
        const s = reads.get(addr) ?? new Set<bigint>();
        for (const x of slots) s.add(x);
        reads.set(addr, s);
      };
      read(COINBASE);
      const transfers: WireBatch['txs'] = [];
      for (let i = 0; i < transfersPerBlock; i++) {
        const from = holder(sender++);
        const to = r.below(10) === 0 ? newcomer(fresh++) : holder(r.below(o.accounts));
        transfers.push({ from, to: TOKEN, nonce: '0x0', gas: quantity(TRANSFER_GAS), ...FEES, value: '0x0', data: transferCall(to, r.between(1n, 1000n)) });
        read(from);
        read(to);
        read(TOKEN, BigInt(balanceSlot(from)), BigInt(balanceSlot(to)));
      }
      const swaps: WireBatch['txs'][] = [];
      for (let i = 0; i < swapsPerBlock; i++) {
        const p = this.pools[r.below(this.pools.length)];
        const zeroForOne = r.below(2) === 0;
        const amountIn = r.between(10n ** 15n, 10n ** 18n);
        const [reserveIn, reserveOut] = zeroForOne ? [p.reserve0, p.reserve1] : [p.reserve1, p.reserve0];
        const out = amountOut(amountIn, reserveIn, reserveOut);
        if (zeroForOne) [p.reserve0, p.reserve1] = [p.reserve0 + amountIn, p.reserve1 - out];
        else [p.reserve1, p.reserve0] = [p.reserve1 + amountIn, p.reserve0 - out];
        const who = holder(trader++);
        const [tokenIn, tokenOut] = zeroForOne ? [p.token0, p.token1] : [p.token1, p.token0];
        this.swapBalances.set(`${tokenIn}:${who}`, amountIn);
        swaps.push([
          { from: who, to: tokenAddress(tokenIn), nonce: '0x0', gas: quantity(TRANSFER_GAS), ...FEES, value: '0x0', data: transferCall(p.address, amountIn) },
          { from: who, to: p.address, nonce: '0x1', gas: quantity(SWAP_GAS), ...FEES, value: '0x0', data: zeroForOne ? swapCall(0n, out, who) : swapCall(out, 0n, who) },
        ]);
        read(who);
        read(p.address, ...PAIR_SLOTS);
        read(tokenAddress(tokenIn), BigInt(balanceSlot(who)), BigInt(balanceSlot(p.address)));
        read(tokenAddress(tokenOut), BigInt(balanceSlot(who)), BigInt(balanceSlot(p.address)));
      }
      const txs = interleave(transfers, swaps, r);
      const gasLimit = BigInt(transfersPerBlock) * TRANSFER_GAS + BigInt(swapsPerBlock) * (TRANSFER_GAS + SWAP_GAS) + 30_000_000n;
      this.blocks.push({
        block: { number: quantity(k), env: { timestamp: quantity(TIMESTAMP + 12n * BigInt(k)), coinbase: COINBASE, gasLimit: quantity(gasLimit), baseFee: '0x7' }, txs },
        reads,
      });
    }
  }

  /** The genesis accounts in address order, generated on each iteration (a million of them are never all in memory as JSON). */
  genesis(): Iterable<[string, Account]> & { [Symbol.iterator](): Iterator<[string, Account]> } {
    const o = this.o;
    const holders = this.holders;
    const swapBalances = this.swapBalances;
    const initial = this.initial;
    return {
      *[Symbol.iterator]() {
        const special: [string, Account][] = [];
        const token = new Map<bigint, bigint>([[0n, 10n ** 30n]]);
        for (let i = 0; i < holders; i++) token.set(BigInt(balanceSlot(holder(i))), 10n ** 6n);
        special.push([TOKEN, { balance: 0n, nonce: 1n, code: hexCode(ERC20_CODE), storage: token }]);
        const tokens = Array.from({ length: TOKENS }, () => new Map<bigint, bigint>());
        for (const [key, amount] of swapBalances) {
          const [t, who] = key.split(':');
          tokens[Number(t)].set(BigInt(balanceSlot(who as Hex)), amount);
        }
        for (const p of initial) {
          special.push([p.address, parseAccount(pairAccount(p, TIMESTAMP + 12n))]);
          tokens[p.token0].set(BigInt(balanceSlot(p.address)), p.reserve0);
          tokens[p.token1].set(BigInt(balanceSlot(p.address)), p.reserve1);
        }
        tokens.forEach((storage, t) => special.push([tokenAddress(t), { balance: 0n, nonce: 1n, code: hexCode(ERC20_CODE), storage }]));
        special.push([FACTORY, parseAccount(FACTORY_ACCOUNT)]);
        // Holders' addresses (0x00000acc...) sort between the tokens', pairs' and factory's: merge in order.
        special.sort(([a], [b]) => (a < b ? -1 : 1));
        let s = 0;
        for (let i = 0; i < o.accounts; i++) {
          const addr = holder(i);
          while (s < special.length && special[s][0] < addr) yield special[s++];
          yield [addr, { balance: 10n ** 18n, nonce: 0n, code: new Uint8Array(0), storage: new Map() }];
        }
        while (s < special.length) yield special[s++];
      },
    };
  }
}

function hexCode(h: Hex): Uint8Array {
  return Uint8Array.from(Buffer.from(h.slice(2), 'hex'));
}

/** The transfers and the swaps' pairs of transactions, interleaved at random, each stream in its own order. */
function interleave(transfers: WireBatch['txs'], swaps: WireBatch['txs'][], r: ReturnType<typeof rng>): WireBatch['txs'] {
  const out: WireBatch['txs'] = [];
  let t = 0;
  let s = 0;
  while (t < transfers.length || s < swaps.length) {
    const left = transfers.length - t + swaps.length - s;
    if (r.below(left) < transfers.length - t) out.push(transfers[t++]);
    else out.push(...swaps[s++]);
  }
  return out;
}
