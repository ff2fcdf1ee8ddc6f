import { account, quantity } from '../../bench/workloads/common.js';
import { TOKEN } from '../../bench/workloads/erc20.js';
import { forkAtLeast } from '../../src/model/fork.js';
import type { Hex, TxInputShape, UnsignedTxShape, WireBatch } from '../../src/model/shapes.js';
import { xorshift32 } from '../support/xorshift.js';
import { toHex } from './asm.js';
import { COUNTER } from './contracts.js';
import { accessList, fees, txType } from './fees.js';
import { mixSeed, type CaseParams } from './params.js';

/**
 * The bookkeeping under the batch generator: the seeded draws, the pre-state being
 * built, the senders (hot ones, reused ones, bursts) with the nonce each expects next,
 * the targets, and the transaction stream with each one's declared gas. The kinds of
 * transactions are drawn in generator.ts.
 */
export type WireTx = UnsignedTxShape<Hex, Hex>;
export type Input = TxInputShape<Hex, Hex>;

export const COINBASE: Hex = account(0xc0b, 0);
export const HOT_RECIPIENT: Hex = account(0xf4e, 0);
export const ONE_ETH = 10n ** 18n;
/** Counter slots 0..2 are the hot ones; access lists also name 3 and 4. */
export const HOT_SLOTS = 3;

export abstract class TxStream {
  protected readonly r;
  protected readonly pre: WireBatch['pre'] = {};
  protected readonly stream: { input: Input; gas: bigint; fitsBlock: boolean; kind: string }[] = [];
  /** The kind being generated, recorded with each transaction of the stream. */
  protected kindNow = '';
  protected readonly nonces = new Map<Hex, bigint>();
  protected readonly hotSenders: Hex[] = [];
  protected readonly recent: Hex[] = [];
  protected readonly baseFee: bigint | undefined;
  /** Addresses this batch's CREATE transactions deploy to (if they succeed). */
  protected readonly created: Hex[] = [];
  protected fresh = 0;
  private burst = 0;
  private last: Hex | undefined;

  constructor(protected readonly p: CaseParams) {
    this.r = xorshift32(mixSeed(p.seed));
    this.baseFee = forkAtLeast(p.fork, 'London') ? BigInt(1 + this.r.below(50)) : undefined;
  }

  protected hot = () => this.r.below(1000) < this.p.conflict * 1000;
  protected chance = (percent: number) => this.r.below(100) < percent;

  protected word(): Hex {
    return toHex(this.r.bytes(32));
  }

  protected fund(a: Hex, balance = ONE_ETH, nonce = 0n): Hex {
    this.pre[a] = { balance: quantity(balance), nonce: quantity(nonce) };
    this.nonces.set(a, nonce);
    return a;
  }

  protected newSender(rich = false): Hex {
    const a = account(0xf5e, this.fresh++);
    // A few senders can afford only a couple of transactions: later ones fail the balance check.
    const balance = !rich && this.chance(5) ? BigInt(60_000 + this.r.below(200_000)) * (this.baseFee ?? 10n) : ONE_ETH;
    return this.fund(a, balance, BigInt(this.r.below(4)));
  }

  protected freshAddress(): Hex {
    return account(0xf7e, this.fresh++);
  }

  /** Same-sender chains come from the hot senders, from reusing recent senders, and from bursts of consecutive transactions. */
  protected sender(hot: boolean): Hex {
    if (this.burst > 0 && this.last) {
      this.burst--;
      return this.last;
    }
    if (this.chance(4)) this.burst = 1 + this.r.below(4);
    let s: Hex;
    if (hot) s = this.r.pick(this.hotSenders);
    else if (this.recent.length > 0 && this.chance(15)) s = this.r.pick(this.recent);
    else {
      s = this.newSender();
      this.recent.push(s);
      if (this.recent.length > 8) this.recent.shift();
    }
    this.last = s;
    return s;
  }

  protected txType(): number {
    return txType(this.r, this.p.fork);
  }

  protected fees(type: number): Partial<WireTx> {
    return fees(this.r, type, this.baseFee);
  }

  /** Appends an unsigned transaction; `valid: false` leaves the sender's expected nonce where it was. */
  protected push(
    from: Hex, to: Hex | null, gas: bigint, fields: Partial<WireTx> & { value?: Hex; data?: Hex }, o: { type?: number; valid?: boolean; nonce?: bigint; fitsBlock?: boolean } = {},
  ): WireTx {
    const type = o.type ?? this.txType();
    const expected = this.nonces.get(from) ?? 0n;
    const al = type >= 3 ? { cost: 0n } : accessList(this.r, type, to, HOT_SLOTS + 2, [COUNTER, TOKEN, HOT_RECIPIENT, COINBASE]);
    const tx: WireTx = {
      ...(this.chance(50) ? { type: quantity(type) } : {}),
      from, to, nonce: quantity(o.nonce ?? expected), gas: quantity(gas + al.cost),
      ...this.fees(type),
      ...(al.accessList ? { accessList: al.accessList } : {}),
      ...(this.chance(10) ? { chainId: '0x1' as Hex } : {}),
      ...fields,
    };
    if (o.valid !== false) this.nonces.set(from, expected + 1n);
    this.stream.push({ input: tx, gas: gas + al.cost, fitsBlock: o.fitsBlock ?? true, kind: this.kindNow });
    return tx;
  }

  /** Mostly enough gas; sometimes between about the intrinsic cost (`floor`) and that, so the call runs out of gas (or is rejected). */
  protected gas(normal: number, floor = 22_000): bigint {
    return BigInt(this.chance(10) ? floor + this.r.below(normal - floor) : normal);
  }

  protected target(hot: boolean): Hex {
    if (hot) return this.r.pick([HOT_RECIPIENT, COINBASE, this.hotSenders[0]]);
    if (this.recent.length > 0 && this.chance(25)) return this.r.pick(this.recent);
    const a = this.freshAddress();
    // An empty account in the pre-state: touching it deletes it (EIP-161), which the state diff must show alike.
    if (this.chance(10)) this.pre[a] = { balance: '0x0', nonce: '0x0' };
    return a;
  }
}
