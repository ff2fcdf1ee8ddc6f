import { ERC20_CODE, TOKEN, balanceSlot, transferCall } from '../../bench/workloads/erc20.js';
import { rng, type Rng } from '../../bench/workloads/rng.js';
import type { ChainBlockShape, ChainInitShape } from '../../src/model/chain.js';
import type { Hex } from '../../src/model/shapes.js';
import { hex, key, signRaw } from '../server/helpers.js';

/**
 * A chain to apply in tests: a genesis and a deterministic stream of blocks of mixed
 * transactions (value transfers to old and new accounts, ERC-20 transfers, some emptying
 * a balance slot, contract creations, one creation that self-destructs, a key-value
 * contract setting and clearing slots, a BLOCKHASH reader, signed transactions, an
 * EIP-161 deletion of an account that holds storage, and now and then a transaction
 * rejected for its nonce). `clone()` forks the stream, for rollback tests.
 */
export const CHAIN_ID = 1n;
export const FORK = 'Prague';
export const COINBASE: Hex = '0x0000000000000000000000000000000000000c0b';
/** Runtime of the key-value contract: SSTORE(calldata[0:32], calldata[32:64]). */
const KV_RUNTIME = '6020356000355500';
const KV: Hex = '0x00000000000000000000000000000000000000c1';
/** SSTORE(NUMBER, BLOCKHASH(NUMBER - 1)). */
const BLOCKHASH_READER: Hex = '0x00000000000000000000000000000000000000c2';
/** No code, no nonce, no balance, but storage: the first transaction that touches it deletes it (EIP-161). */
export const EMPTY_WITH_STORAGE: Hex = '0x00000000000000000000000000000000000000ee';
const SENDERS = 24;
const SIGNERS = 4;

const sender = (i: number): Hex => `0x${(0xa0000 + i).toString(16).padStart(40, '0')}`;
const fresh = (n: number): Hex => `0x${(0xf00000 + n).toString(16).padStart(40, '0')}`;
const word = (v: bigint) => v.toString(16).padStart(64, '0');

export function genesis(number = 0n, timestamp = 1000n): ChainInitShape<Hex, Hex> {
  const alloc: ChainInitShape<Hex, Hex>['alloc'] = {};
  const tokenStorage: Record<string, Hex> = { '0x0': hex(10n ** 24n) };
  for (let i = 0; i < SENDERS; i++) {
    alloc[sender(i)] = { balance: hex(10n ** 20n), nonce: '0x0' };
    tokenStorage[balanceSlot(sender(i))] = hex(10n ** 6n);
  }
  for (let i = 0; i < SIGNERS; i++) alloc[key(100 + i).address.toLowerCase()] = { balance: hex(10n ** 20n), nonce: '0x0' };
  alloc[TOKEN] = { balance: '0x0', nonce: '0x1', code: ERC20_CODE, storage: tokenStorage };
  alloc[KV] = { balance: '0x0', nonce: '0x1', code: `0x${KV_RUNTIME}`, storage: { '0x1': '0x1', '0x2': '0x2' } };
  alloc[BLOCKHASH_READER] = { balance: '0x0', nonce: '0x1', code: '0x436001900340435500' };
  alloc[EMPTY_WITH_STORAGE] = { balance: '0x0', nonce: '0x0', storage: { '0x1': '0x5', '0x2': '0x7' } };
  return {
    fork: FORK, chainId: hex(CHAIN_ID), alloc,
    env: { number: hex(number), timestamp: hex(timestamp), coinbase: COINBASE, gasLimit: hex(30_000_000), baseFee: '0x7' },
  };
}

type Tx = ChainBlockShape<Hex, Hex>['txs'][number];

export class BlockStream {
  private nonces = new Map<string, number>();
  private freshCount = 0;
  private r: Rng;
  private touchedEmpty = false;

  constructor(private seed: number, private readonly txsPerBlock = 12) {
    this.r = rng(seed);
  }

  /** An independent copy from here on (its own random stream: the copy's blocks differ). */
  clone(seed: number): BlockStream {
    const c = new BlockStream(seed, this.txsPerBlock);
    c.nonces = new Map(this.nonces);
    c.freshCount = this.freshCount + 10_000;
    c.touchedEmpty = this.touchedEmpty;
    return c;
  }

  block(number: bigint, timestamp: bigint): ChainBlockShape<Hex, Hex> {
    const txs: Tx[] = [];
    for (let k = 0; k < this.txsPerBlock; k++) txs.push(this.tx(number, k));
    if (!this.touchedEmpty && number >= 2n) {
      this.touchedEmpty = true;
      txs.push(this.unsigned(sender(0), EMPTY_WITH_STORAGE, '0x', 0n));
    }
    return {
      number: hex(number),
      env: { timestamp: hex(timestamp), coinbase: COINBASE, gasLimit: hex(30_000_000), baseFee: '0x7', prevRandao: `0x${word(BigInt(this.r.next()))}` },
      txs,
    };
  }

  private tx(number: bigint, k: number): Tx {
    const s = sender(this.r.below(SENDERS));
    switch (this.r.below(10)) {
      case 0:
        return this.unsigned(s, fresh(this.freshCount++), '0x', 1000n + BigInt(this.r.below(1000)));
      case 1:
        return this.unsigned(s, sender(this.r.below(SENDERS)), '0x', 1n);
      case 2: // an ERC-20 transfer that empties the sender's balance slot half the time
        return this.unsigned(s, TOKEN, transferCall(fresh(this.freshCount++), this.r.below(2) ? 10n ** 6n : 3n), 0n, 120_000);
      case 3:
        return this.unsigned(s, TOKEN, transferCall(sender(this.r.below(SENDERS)), BigInt(1 + this.r.below(50))), 0n, 120_000);
      case 4: // set or clear a slot of the key-value contract
        return this.unsigned(s, KV, `0x${word(BigInt(this.r.below(8)))}${word(this.r.below(3) === 0 ? 0n : BigInt(this.r.next()))}`, 0n, 60_000);
      case 5: // create the key-value contract
        return this.unsigned(s, null, `0x67${KV_RUNTIME}60005260086018f3`, 0n, 120_000);
      case 6: // a creation that self-destructs, sending its value on
        return this.unsigned(s, null, `0x73${fresh(this.freshCount++).slice(2)}ff`, 5n, 120_000);
      case 7:
        return this.unsigned(s, BLOCKHASH_READER, '0x', 0n, 60_000);
      case 8: {
        const signer = key(100 + this.r.below(SIGNERS));
        const nonce = this.nextNonce(signer.address.toLowerCase());
        return { raw: signRaw(FORK as 'Prague', { type: 2, chainId: CHAIN_ID, nonce, to: fresh(this.freshCount++), value: 7n, gasLimit: 21_000n, maxFeePerGas: 10n, maxPriorityFeePerGas: 1n }, signer.priv).raw };
      }
      default: // rejected: a nonce from the future (changes no state, bumps no nonce)
        if (number % 3n === 0n && k === 0) return { from: s, to: KV, nonce: hex((this.nonces.get(s) ?? 0) + 5), gas: '0x5208', maxFeePerGas: '0xa', maxPriorityFeePerGas: '0x1', value: '0x0' };
        return this.unsigned(s, fresh(this.freshCount++), '0x', 1n);
    }
  }

  private nextNonce(addr: string): number {
    const n = this.nonces.get(addr) ?? 0;
    this.nonces.set(addr, n + 1);
    return n;
  }

  private unsigned(from: Hex, to: Hex | null, data: string, value: bigint, gas = 21_000): Tx {
    return { from, to, nonce: hex(this.nextNonce(from)), gas: hex(gas), maxFeePerGas: '0xa', maxPriorityFeePerGas: '0x1', value: hex(value), data: data as Hex };
  }
}
