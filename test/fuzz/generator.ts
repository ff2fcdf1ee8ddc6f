import { bigIntToBytes, bytesToHex, generateAddress, hexToBytes } from '@ethereumjs/util';
import { hex32, quantity } from '../../bench/workloads/common.js';
import { balanceSlot, ERC20_CODE, TOKEN, transferCall } from '../../bench/workloads/erc20.js';
import { uniswapFragment } from '../../bench/workloads/uniswap.js';
import { forkAtLeast } from '../../src/model/fork.js';
import type { Hex, WireBatch } from '../../src/model/shapes.js';
import { toHex } from './asm.js';
import { COINBASE, HOT_RECIPIENT, HOT_SLOTS, ONE_ETH, type Input, type WireTx } from './builder.js';
import {
  COINBASE_READER, COINBASE_READER_CODE, COUNTER, COUNTER_MODE, counterCall, counterCode, createInit, DELEGATED, DELEGATION_TO_COUNTER,
  DESTRUCTOR, DESTRUCTOR_CODE, FACTORY, FACTORY_CODE, PROXY, PROXY_CODE, SPRAY, SPRAY_CODE, sprayCall,
} from './contracts.js';
import { FRAME_KINDS } from './frames.js';
import type { CaseParams } from './params.js';
import { SpawnKinds } from './spawn.js';
import { fuzzKey, signAuthorization, signRaw } from './signing.js';

/**
 * Random batches in wire form, exactly what a client would POST. Every transaction kind
 * draws its sender, target and slots either from shared hot state (with probability
 * `conflict`) or from fresh state, so the conflict rate steers how much the
 * transactions depend on each other. Nonces are tracked per sender, so most
 * transactions are valid and form same-sender chains; invalid ones are made on purpose.
 */
export const KINDS = [
  'native', 'erc20', 'uniswap', 'counter', 'proxy', 'coinbase', 'create', 'factory', 'invalid', 'blob', 'setcode', 'raw', 'spray', 'selfdestruct', ...FRAME_KINDS,
] as const;
export type Kind = (typeof KINDS)[number];

export { COINBASE } from './builder.js';

const kinds = new WeakMap<WireBatch, string[]>();

export function generateBatch(p: CaseParams): WireBatch {
  const b = new BatchBuilder(p);
  const wire = b.build();
  kinds.set(wire, b.kindsOf(wire.txs));
  return wire;
}

/** The kind of each transaction of a generated batch (`longloop` and `depthlimit` for the specials), for the coverage summary. */
export const kindsOf = (wire: WireBatch): readonly string[] | undefined => kinds.get(wire);

class BatchBuilder extends SpawnKinds {
  private readonly tokenHolders = new Set<Hex>();
  private readonly weights: number[];
  private swaps = 0;
  private blobTxs = 0;

  constructor(p: CaseParams) {
    super(p);
    // Each batch leans on a few kinds: a weight per kind, zero for about a third of them.
    this.weights = KINDS.map((k) => (this.allowed(k) && this.r.below(3) > 0 ? 1 + this.r.below(6) : 0));
    this.weights[0] += 1;
  }

  private allowed(k: Kind): boolean {
    if (k === 'blob') return forkAtLeast(this.p.fork, 'Cancun');
    if (k === 'setcode') return this.p.fork === 'Prague';
    return true;
  }

  build(): WireBatch {
    const { fork } = this.p;
    const coinbaseFunded = this.chance(40);
    // Sometimes the coinbase can pay for about one transfer, so whether its next one is valid depends on the fees it earned before it.
    if (coinbaseFunded) this.fund(COINBASE, this.chance(30) ? 21_000n * ((this.baseFee ?? 0n) + 5n) + BigInt(this.r.below(200_000)) : ONE_ETH);
    this.hotSenders.push(this.newSender(true), this.newSender(true));
    if (coinbaseFunded) this.hotSenders.push(COINBASE);
    this.placeContracts();

    const total = this.weights.reduce((a, b) => a + b, 0);
    let left = this.p.size;
    while (left > 0) {
      if (this.special(left)) {
        left--;
        continue;
      }
      let pick = this.r.below(total);
      const kind = KINDS[this.weights.findIndex((w) => (pick -= w) < 0)];
      this.kindNow = kind;
      if (kind === 'uniswap') {
        this.swaps++;
        left -= 2;
      } else {
        this.emit(kind);
        left--;
      }
    }
    const txs = this.mergeUniswap();

    const declared = this.stream.filter((t) => t.fitsBlock).reduce((g, t) => g + t.gas, 0n);
    // Sometimes a block too small for all of them: the tail is rejected for block gas.
    const gasLimit = this.chance(5) ? 21_000n + (declared * BigInt(30 + this.r.below(60))) / 100n : declared + 1_000_000n;
    for (const t of this.stream) if (!t.fitsBlock) (t.input as WireTx).gas = quantity(gasLimit + 1n + BigInt(this.r.below(1000)));

    const env: WireBatch['env'] = {
      number: quantity(1 + this.r.below(1_000_000)),
      timestamp: quantity(1000 + this.r.below(2000)),
      coinbase: COINBASE,
      gasLimit: quantity(gasLimit),
      chainId: '0x1',
    };
    if (this.baseFee !== undefined) env.baseFee = quantity(this.baseFee);
    if (forkAtLeast(fork, 'Shanghai')) env.prevRandao = this.word();
    else env.difficulty = quantity(this.r.below(1_000_000));
    if (forkAtLeast(fork, 'Cancun')) {
      env.excessBlobGas = quantity(this.chance(25) ? this.r.below(4_000_000) : 0);
      if (this.chance(20)) env.parentBeaconBlockRoot = this.word();
    }
    return { fork, env, pre: this.pre, txs, options: { stateRoot: true } };
  }

  private placeContracts(): void {
    const counterStorage: Record<string, Hex> = {};
    for (let s = 0; s < HOT_SLOTS + 2; s++) if (this.chance(60)) counterStorage[quantity(s)] = quantity(this.r.between(1n, 1n << 64n));
    // Before Cancun the transient variant is mostly avoided, but sometimes kept to fail on its undefined opcodes.
    const transient = forkAtLeast(this.p.fork, 'Cancun') || this.chance(15);
    this.pre[COUNTER] = { balance: '0x0', nonce: '0x1', code: toHex(counterCode(transient)), storage: counterStorage };
    this.pre[PROXY] = { balance: '0x0', nonce: '0x1', code: toHex(PROXY_CODE), storage: { '0x2': quantity(this.r.below(5)) } };
    this.pre[COINBASE_READER] = { balance: '0x0', nonce: '0x1', code: toHex(COINBASE_READER_CODE) };
    this.pre[FACTORY] = { balance: '0x0', nonce: quantity(1 + this.r.below(3)), code: toHex(FACTORY_CODE) };
    this.pre[TOKEN] = { balance: '0x0', nonce: '0x1', code: ERC20_CODE, storage: { '0x0': quantity(10n ** 30n) } };
    this.pre[SPRAY] = { balance: '0x0', nonce: '0x1', code: toHex(SPRAY_CODE), storage: { '0x3': '0x7' } };
    this.pre[DESTRUCTOR] = { balance: quantity(this.r.below(10_000)), nonce: '0x1', code: toHex(DESTRUCTOR_CODE), storage: { '0x0': '0x1' } };
    if (this.p.fork === 'Prague') {
      this.fund(DELEGATED, ONE_ETH, BigInt(this.r.below(3)));
      this.pre[DELEGATED].code = DELEGATION_TO_COUNTER;
    }
  }

  /** Init code for CREATE: mostly deploys, sometimes reverts or self-destructs to a hot or fresh beneficiary. */
  private initCode(hot: boolean): Hex {
    const tag = BigInt(this.r.below(1 << 16));
    const m = this.r.below(100);
    return m < 80 ? createInit(tag, 'deploy') : m < 90 ? createInit(tag, 'revert') : createInit(tag, 'destruct', BigInt(this.target(hot)));
  }

  private counterData(hot: boolean): Hex {
    const slot = hot ? BigInt(this.r.below(HOT_SLOTS)) : BigInt(100 + this.fresh++);
    const other = BigInt(this.r.below(HOT_SLOTS + 2));
    const m = this.r.below(100);
    const mode = m < 78 ? COUNTER_MODE.Return : m < 86 ? COUNTER_MODE.Revert : m < 90 ? COUNTER_MODE.Burn : m < 94 ? COUNTER_MODE.Invalid : COUNTER_MODE.Clear;
    return counterCall(slot, this.r.between(1n, 1000n), other, mode);
  }

  // ---- kinds ----

  private emit(kind: Kind): void {
    const hot = this.hot();
    switch (kind) {
      case 'native': {
        const from = this.sender(hot);
        const extra = this.chance(30) ? BigInt(this.r.below(5000)) : 0n;
        const value = quantity(this.chance(10) ? 0n : this.r.between(1n, 10n ** 15n));
        if (!this.chance(15)) {
          this.push(from, this.target(hot), 21_000n + extra, { value });
          return;
        }
        // Calldata to an account without code: only intrinsic gas, and from Prague the EIP-7623 floor, which this gas may not cover.
        const data = toHex(this.r.bytes(this.r.below(300)));
        this.push(from, this.target(hot), 21_000n + BigInt(this.r.below(40) * (data.length / 2 - 1)) + extra, { value, data });
        return;
      }
      case 'erc20': {
        const from = this.sender(hot);
        if (!this.tokenHolders.has(from)) {
          this.tokenHolders.add(from);
          (this.pre[TOKEN].storage as Record<string, Hex>)[balanceSlot(from)] = quantity(1_000_000);
        }
        // Now and then more than the holder has: the token's SafeMath reverts.
        const amount = this.chance(6) ? 10n ** 9n : this.r.between(1n, 20_000n);
        this.push(from, TOKEN, this.gas(100_000), { value: '0x0', data: transferCall(hot ? HOT_RECIPIENT : this.target(false), amount) });
        return;
      }
      case 'counter': {
        // At Prague some go through an account delegating to the counter, which also sends now and then (a delegated EOA may).
        const delegated = this.p.fork === 'Prague' && this.chance(20);
        const from = delegated && this.chance(30) ? DELEGATED : this.sender(hot);
        this.push(from, delegated && from !== DELEGATED ? DELEGATED : COUNTER, this.gas(120_000), { value: '0x0', data: this.counterData(hot) });
        return;
      }
      case 'proxy':
        this.push(this.sender(hot), PROXY, this.gas(200_000), { value: quantity(this.chance(30) ? this.r.below(1000) : 0), data: this.counterData(hot) });
        return;
      case 'coinbase': {
        // The coinbase's balance is read (COINBASE BALANCE), paid (value to the coinbase), or the coinbase sends.
        const c = this.r.below(3);
        if (c === 0 || !this.hotSenders.includes(COINBASE)) {
          const slot = hot ? 0n : BigInt(100 + 3 * this.fresh++);
          const watched = this.created.length > 0 && this.chance(30) ? this.r.pick(this.created) : this.target(hot);
          this.push(this.sender(hot), COINBASE_READER, this.gas(120_000), { value: '0x0', data: `0x${hex32(slot)}${hex32(BigInt(watched))}` });
        } else if (c === 1) this.push(this.sender(hot), COINBASE, 21_000n, { value: quantity(this.r.between(1n, 10n ** 12n)) });
        else this.push(COINBASE, this.target(hot), 21_000n, { value: quantity(this.r.between(1n, 10n ** 12n)) });
        return;
      }
      case 'create': {
        // Half the time, call a contract an earlier transaction of this batch created: code that is not in the pre-state.
        if (this.created.length > 0 && this.chance(50)) {
          this.push(this.sender(hot), this.r.pick(this.created), this.gas(60_000), { value: quantity(this.chance(20) ? this.r.below(100) : 0) });
          return;
        }
        const from = this.sender(hot);
        const nonce = this.nonces.get(from) ?? 0n;
        this.push(from, null, this.gas(160_000, 54_000), { value: quantity(this.chance(20) ? this.r.below(100) : 0), data: this.initCode(hot) });
        this.created.push(bytesToHex(generateAddress(hexToBytes(from), bigIntToBytes(nonce))) as Hex);
        return;
      }
      case 'factory':
        this.push(this.sender(hot), FACTORY, this.gas(250_000), { value: '0x0', data: this.initCode(hot) });
        return;
      case 'invalid':
        this.invalid(hot);
        return;
      case 'blob':
        // A block holds only a few blobs (6 at Cancun, 9 at Prague): past that, one more to overflow, then plain transfers.
        if (this.blobTxs++ < 4) this.blob(hot);
        else this.emit('native');
        return;
      case 'setcode':
        this.setCode(hot);
        return;
      case 'raw':
        this.raw(hot);
        return;
      case 'selfdestruct':
        // The beneficiary is hot state (the coinbase, a hot sender) or fresh; value sent along moves on with the balance.
        this.push(this.sender(hot), DESTRUCTOR, this.gas(80_000), { value: quantity(this.chance(40) ? this.r.below(5000) : 0), data: `0x${hex32(BigInt(this.target(hot)))}` });
        return;
      case 'spray': {
        // Frames larger than the GPU's default room: many slots and logs, big return data, large memory.
        const n = BigInt(this.chance(50) ? this.r.below(12) : this.r.below(90));
        const last = BigInt(this.chance(70) ? this.r.below(3000) : 60_000 + this.r.below(40_000));
        const base = hot ? 0n : BigInt(10_000 + 100 * this.fresh++);
        this.push(this.sender(hot), SPRAY, this.gas(150_000 + Number(n) * 27_000), { value: '0x0', data: sprayCall(n, base, last) });
        return;
      }
      case 'spawn':
        this.spawn(hot);
        return;
      case 'uniswap':
        return; // swaps are drawn in pairs by build()
      default:
        this.emitFrames(kind);
    }
  }

  private invalid(hot: boolean): void {
    const from = this.sender(hot);
    const expected = this.nonces.get(from) ?? 0n;
    const to = this.target(hot);
    const value = quantity(1);
    const london = this.baseFee !== undefined;
    switch (this.r.below(9)) {
      case 0: this.push(from, to, 21_000n, { value }, { valid: false, nonce: expected + 1n + BigInt(this.r.below(3)) }); return;
      case 1: this.push(from, to, 21_000n, { value }, { valid: false, nonce: expected > 0n ? expected - 1n : expected + 5n }); return;
      case 2: this.push(from, to, 21_000n, { value: quantity(10n ** 20n) }, { valid: false }); return;
      case 3: this.push(from, COUNTER, BigInt(20_000 + this.r.below(1000)), { value, data: this.counterData(hot) }, { valid: false }); return;
      case 4:
        if (!london) break;
        if (this.chance(50)) this.push(from, to, 21_000n, { value, maxFeePerGas: quantity(this.baseFee! - 1n), maxPriorityFeePerGas: '0x0' }, { valid: false, type: 2 });
        else this.push(from, to, 21_000n, { value, gasPrice: quantity(this.baseFee! - 1n) }, { valid: false, type: this.r.pick([0, 1]) });
        return;
      case 5:
        if (!london) break;
        this.push(from, to, 21_000n, { value, maxFeePerGas: quantity(this.baseFee! + 5n), maxPriorityFeePerGas: quantity(this.baseFee! + 6n) }, { valid: false, type: 2 });
        return;
      case 6: this.push(from, to, 21_000n, { value, chainId: '0x2' }, { valid: false, type: this.r.pick([1, london ? 2 : 1]) }); return;
      case 7: this.push(COUNTER, to, 21_000n, { value }, { valid: false }); return;
      case 8: this.push(from, to, 21_000n, { value }, { valid: false, fitsBlock: false }); return;
    }
    this.push(from, to, 21_000n, { value }, { valid: false, nonce: expected + 1n });
  }

  private blob(hot: boolean): void {
    const hashes = Array.from({ length: 1 + this.r.below(3) }, () => `0x01${toHex(this.r.bytes(31)).slice(2)}` as Hex);
    this.push(this.sender(hot), this.target(hot), 21_000n, {
      value: quantity(this.r.below(1000)), maxFeePerBlobGas: quantity(1 + this.r.below(this.chance(80) ? 1000 : 3)), blobVersionedHashes: hashes,
    }, { type: 3 });
  }

  /** EIP-7702: an authority delegates to the counter or the proxy; the transaction then calls the authority, running that code on its storage. */
  private setCode(hot: boolean): void {
    const authority = fuzzKey(hot ? 0 : 1 + this.r.below(4));
    const nonce = this.nonces.get(authority.address) ?? 0n;
    const stale = this.chance(10);
    const auth = signAuthorization(1n, this.r.pick([COUNTER, COUNTER, PROXY]), stale ? nonce + 1n : nonce, authority);
    if (!stale) this.nonces.set(authority.address, nonce + 1n);
    this.push(this.sender(hot), authority.address, this.gas(200_000), { value: '0x0', data: this.counterData(hot), authorizationList: [auth] }, { type: 4 });
  }

  /** A signed transaction: the engine recovers the sender, and the result carries the hash. */
  private raw(hot: boolean): void {
    const key = fuzzKey(hot ? 10 : 11 + this.r.below(3));
    if (!(key.address in this.pre)) this.fund(key.address);
    const nonce = this.nonces.get(key.address) ?? 0n;
    this.nonces.set(key.address, nonce + 1n);
    const toCounter = this.chance(50);
    const base = this.baseFee ?? 0n;
    const type = forkAtLeast(this.p.fork, 'London') && this.chance(50) ? 2 : 0;
    const common = { nonce, gasLimit: toCounter ? 120_000n : 21_000n, to: toCounter ? COUNTER : this.target(hot), value: toCounter ? 0n : 1000n, data: toCounter ? this.counterData(hot) : '0x' };
    const raw = signRaw(this.p.fork, 1n, type === 2
      ? { ...common, type: 2, chainId: 1n, maxFeePerGas: base + 10n, maxPriorityFeePerGas: 1n }
      : { ...common, type: 0, gasPrice: base + 2n }, key);
    this.stream.push({ input: { raw }, gas: common.gasLimit, fitsBlock: true, kind: this.kindNow });
  }

  /** Uniswap swaps (the bench generator's, on real pair code) interleaved with the rest, each stream keeping its order. */
  private mergeUniswap(): Input[] {
    const mine = this.stream.map((t) => t.input);
    if (this.swaps === 0) return mine;
    const pools = this.hot() ? 1 : 1 + this.r.below(8);
    const frag = uniswapFragment({ txs: 2 * this.swaps, pools, seed: this.r.next() });
    Object.assign(this.pre, frag.pre);
    const swapTxs = frag.txs.map((t) => this.restyle(t as WireTx));
    for (const t of swapTxs) this.stream.push({ input: t, gas: BigInt(t.gas), fitsBlock: true, kind: 'uniswap' });
    const out: Input[] = [];
    let i = 0;
    let j = 0;
    while (i < mine.length || j < swapTxs.length) {
      const fromMine = j >= swapTxs.length || (i < mine.length && this.r.below(mine.length - i + swapTxs.length - j) < mine.length - i);
      out.push(fromMine ? mine[i++] : swapTxs[j++]);
    }
    return out;
  }

  kindsOf(txs: Input[]): string[] {
    const byInput = new Map(this.stream.map((t) => [t.input, t.kind]));
    return txs.map((t) => byInput.get(t) ?? '?');
  }

  /** The bench swaps are type 2 at fixed fees; here they take this batch's types and fees like every other transaction. */
  private restyle(t: WireTx): WireTx {
    const { maxFeePerGas: _f, maxPriorityFeePerGas: _p, ...rest } = t;
    const type = this.txType();
    return { ...rest, ...this.fees(type), ...(type === 1 ? { accessList: [] } : {}) };
  }
}
