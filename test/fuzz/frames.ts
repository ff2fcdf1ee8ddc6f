import { quantity } from '../../bench/workloads/common.js';
import { forkAtLeast } from '../../src/model/fork.js';
import type { Hex } from '../../src/model/shapes.js';
import {
  ACTOR_A, ACTOR_B, ACTOR_C, ACTOR_CLONE, ACTOR_CODE, ACTOR_VICTIM, ACTORS, CALL_KIND, indirect, LOOP_OPCODES_PER_ITERATION, minimalProxy, S, scriptHex, type Script,
} from './actor.js';
import { toHex } from './asm.js';
import { HOT_RECIPIENT, ONE_ETH, TxStream } from './builder.js';
import { mixSeed } from './params.js';
import { activePrecompiles, precompileAddress, precompileGas, precompileInput } from './precompiles.js';

/**
 * Transaction kinds made of nested frames, all through the actor (actor.ts): random call
 * trees with REVERTs and exceptional halts in the middle of the stack, reentrancy,
 * DELEGATECALL/CALLCODE proxies, STATICCALL reads and violations, value transfers in
 * calls, precompile calls, out of gas at every depth, short loops and recursion. The
 * creates are in spawn.ts; long loops and recursion to the depth limit are a few per
 * corpus (`special`), not a weighted kind.
 */
export const FRAME_KINDS = ['nested', 'delegate', 'static', 'spawn', 'callvalue', 'precompile', 'gas63', 'loop', 'deep'] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];

/** One frame being generated: how deep, whether static, who is up the stack, which slots the transaction shares. */
export interface Ctx {
  depth: number;
  max: number;
  stat: boolean;
  chain: Hex[];
  slots: bigint[];
  hot: boolean;
  /** The frame may SELFDESTRUCT (a victim or a contract created in the batch: the main actors stay). */
  mayDie: boolean;
}

/** All but one 64th of what the caller has (EIP-150 caps the request). */
export const ALL_GAS = 1n << 64n;
/**
 * One long loop in 100 batches, one recursion to the 1024 limit in about 140 (a handful
 * and a few in the CI corpus: each costs seconds per engine), decided by a hash of the
 * seed of their own, so the other draws of a batch do not move them.
 */
const LONG_LOOP_PER_MILLE = 10;
const DEPTH_LIMIT_PER_MILLE = 7;

export abstract class FrameKinds extends TxStream {
  private actorsPlaced = false;
  private longLoopAt: number;
  private depthLimitAt: number;

  constructor(...args: ConstructorParameters<typeof TxStream>) {
    super(...args);
    const h = mixSeed(this.p.seed, 0x1007);
    const at = mixSeed(this.p.seed, 0x1008) % this.p.size;
    this.longLoopAt = h % 1000 < LONG_LOOP_PER_MILLE ? 1 + at : 0;
    this.depthLimitAt = Math.floor(h / 1000) % 1000 < DEPTH_LIMIT_PER_MILLE ? 1 + ((at + (this.p.size >> 1)) % this.p.size) : 0;
  }

  protected get cancun(): boolean {
    return forkAtLeast(this.p.fork, 'Cancun');
  }

  protected placeActors(): void {
    if (this.actorsPlaced) return;
    this.actorsPlaced = true;
    const code = toHex(ACTOR_CODE);
    for (const a of [...ACTORS, ACTOR_VICTIM]) {
      const storage: Record<string, Hex> = {};
      for (let s = 0; s < 3; s++) if (this.chance(50)) storage[quantity(s)] = quantity(this.r.between(1n, 1n << 32n));
      this.pre[a] = { balance: quantity(this.chance(20) ? ONE_ETH : this.r.below(1_000_000)), nonce: quantity(1 + this.r.below(2)), code, storage };
    }
    this.pre[ACTOR_CLONE] = { balance: quantity(this.r.below(1000)), nonce: '0x1', code: minimalProxy(ACTOR_A), storage: { '0x1': '0x1' } };
  }

  /** The long loop or the depth-limit recursion, if this batch has one and it is due at this many transactions left. */
  protected special(left: number): boolean {
    const loop = this.longLoopAt > 0 && left <= this.longLoopAt;
    if (!loop && !(this.depthLimitAt > 0 && left <= this.depthLimitAt)) return false;
    this.placeActors();
    const hot = this.hot();
    if (loop) {
      this.longLoopAt = 0;
      this.kindNow = 'longloop';
      this.longLoop(hot);
    } else {
      this.depthLimitAt = 0;
      this.kindNow = 'depthlimit';
      this.depthLimit(hot);
    }
    return true;
  }

  // ---- helpers ----

  /** Three slots the transaction's frames share: the actors' hot slots, or fresh ones. */
  protected slots(hot: boolean): bigint[] {
    if (hot) return [0n, 1n, 2n];
    const base = 0x1000n + 4n * BigInt(this.fresh++);
    return [base, base + 1n, base + 2n];
  }

  /** A slot for a call's record (two words); hot ones are shared with other transactions. */
  protected recordSlot(hot: boolean): bigint {
    return hot ? 0x10n + 2n * BigInt(this.r.below(4)) : 0x10000n + 2n * BigInt(this.fresh++);
  }

  protected actor(): Hex {
    return this.r.pick(ACTORS);
  }

  /** A transaction running `script` on `to`, with gas for its calldata on top of `exec` (sometimes short of it). */
  protected pushScript(to: Hex, script: Hex, exec: bigint, o: { from?: Hex; value?: bigint; hot?: boolean; exact?: boolean } = {}): void {
    const hot = o.hot ?? this.hot();
    const bytes = Buffer.from(script.slice(2), 'hex');
    const nz = bytes.filter((b) => b !== 0).length;
    const z = bytes.length - nz;
    let gas = 21_000n + BigInt(16 * nz + 4 * z) + (!o.exact && this.chance(8) ? BigInt(this.r.below(Number(exec))) : exec);
    if (this.p.fork === 'Prague') gas = gas > 22_000n + BigInt(10 * (z + 4 * nz)) ? gas : 22_000n + BigInt(10 * (z + 4 * nz));
    const value = o.value ?? (this.chance(15) ? BigInt(this.r.below(10_000)) : 0n);
    this.push(o.from ?? this.sender(hot), to, gas, { value: quantity(value), data: script });
  }

  // ---- random frames ----

  /** A state op for a frame: writes (storage, transient, logs) unless static, reads otherwise too. */
  protected stateOp(c: Ctx): Script {
    const slot = this.r.pick(c.slots);
    const v = BigInt(1 + this.r.below(1000));
    const watched = this.r.below(6);
    const reads = [S.read(slot), S.env(), S.bal(watched < 5 ? [...ACTORS, HOT_RECIPIENT, ACTOR_VICTIM][watched] : this.target(c.hot))];
    // Before Cancun the transient ops are undefined opcodes: now and then on purpose.
    const transient = this.cancun || this.chance(3);
    if (transient) reads.push(S.tread(slot));
    if (c.stat) return this.r.pick(reads);
    const writes = [S.add(slot, v), S.add(slot, v), S.log(slot), S.set(slot, this.chance(30) ? 0n : v)];
    if (transient) writes.push(S.tadd(slot, v), S.tadd(slot, v));
    return this.chance(70) ? this.r.pick(writes) : this.r.pick(reads);
  }

  /** A call from frame `c` to a child frame with a script of its own. */
  protected childCall(c: Ctx): Script {
    const m = this.r.below(100);
    const kind = m < 60 ? CALL_KIND.Call : m < 74 ? CALL_KIND.Delegate : m < 84 ? CALL_KIND.CallCode : CALL_KIND.Static;
    const back = c.chain.length > 1 && this.chance(30);
    const victim = !back && this.chance(6);
    const target = back ? this.r.pick(c.chain) : victim ? ACTOR_VICTIM : this.chance(5) ? ACTOR_CLONE : this.actor();
    const valued = !c.stat && kind !== CALL_KIND.Delegate && kind !== CALL_KIND.Static && this.chance(20);
    const gas = this.chance(65) ? ALL_GAS : BigInt(2000 + this.r.below(200_000));
    const child: Ctx = {
      ...c, depth: c.depth + 1, stat: c.stat || kind === CALL_KIND.Static, chain: kind === CALL_KIND.Call || kind === CALL_KIND.Static ? [...c.chain, target] : c.chain,
      mayDie: kind === CALL_KIND.Call ? target === ACTOR_VICTIM : c.mayDie,
    };
    return S.call(kind, target, valued ? BigInt(1 + this.r.below(500)) : 0n, gas, c.stat ? 0n : this.recordSlot(c.hot), this.frame(child));
  }

  /** How a nested frame ends: mostly falling off its script (returning acc), else REVERT, an exceptional halt, RETURN of a few KiB, SELFDESTRUCT. */
  protected ending(c: Ctx): Script {
    const m = this.r.below(100);
    if (c.depth === 0) return m < 4 ? S.revert() : m < 6 ? S.invalid() : '';
    if (m < 16) return S.revert();
    if (m < 21) return S.invalid();
    if (m < 24) return S.burn();
    if (m < 28) return S.ret(BigInt(this.r.below(3000)));
    if (m < 34 && c.mayDie && !c.stat) return S.destruct(this.target(c.hot));
    return '';
  }

  /** A random frame: state ops, zero to two child calls (reentrant ones among them), reads of what the children did, maybe a save, an ending. */
  protected frame(c: Ctx): Script {
    const parts: Script[] = [];
    for (let i = 1 + this.r.below(3); i > 0; i--) parts.push(this.stateOp(c));
    if (c.depth < c.max) for (let i = this.chance(30) ? 2 : 1; i > 0; i--) parts.push(this.childCall(c));
    if (this.chance(60)) parts.push(this.r.pick([S.read(this.r.pick(c.slots)), this.cancun ? S.tread(this.r.pick(c.slots)) : S.env()]));
    if (!c.stat && this.chance(60)) parts.push(S.save(this.r.pick(c.slots) + 0x100n));
    parts.push(this.ending(c));
    return parts.join('');
  }

  protected root(hot: boolean, max: number, to: Hex = this.actor()): Ctx {
    return { depth: 0, max, stat: false, chain: [to], slots: this.slots(hot), hot, mayDie: false };
  }

  // ---- kinds ----

  protected emitFrames(kind: Exclude<FrameKind, 'spawn'>): void {
    this.placeActors();
    const hot = this.hot();
    switch (kind) {
      case 'nested': {
        // Depth 2 to 6: every level may revert or halt while the ones above go on.
        const to = this.chance(10) ? ACTOR_CLONE : this.actor();
        this.pushScript(to, scriptHex(this.frame(this.root(hot, 2 + this.r.below(5), to))), 500_000n, { hot });
        return;
      }
      case 'delegate': return this.delegate(hot);
      case 'static': return this.staticCalls(hot);
      case 'callvalue': return this.callValue(hot);
      case 'precompile': return this.precompiles(hot);
      case 'gas63': return this.gas63(hot);
      case 'loop': {
        // Short loops (up to about 30,000 opcodes), at the top or in a nested frame that may revert after it.
        const c = this.root(hot, 1);
        const body = S.loop(BigInt(1 + this.r.below(this.chance(80) ? 200 : 2000))) + S.save(c.slots[0]);
        const script = this.chance(60) ? body : S.call(CALL_KIND.Call, this.actor(), 0n, ALL_GAS, this.recordSlot(hot), body + this.ending({ ...c, depth: 1 })) + S.save(c.slots[1]);
        this.pushScript(this.actor(), scriptHex(script), 400_000n, { hot });
        return;
      }
      case 'deep': {
        // Recursion a few dozen levels down; the bottom frame runs a random frame of its own.
        const c = this.root(hot, 2);
        this.pushScript(this.actor(), scriptHex(S.deep(BigInt(2 + this.r.below(30))), this.frame({ ...c, depth: 1 })), 500_000n, { hot });
        return;
      }
    }
  }

  /** DELEGATECALL and CALLCODE: the callee's script runs on the caller's storage and sees its msg.sender and value; the clone (EIP-1167) proxies everything. */
  private delegate(hot: boolean): void {
    const via = this.chance(30) ? ACTOR_CLONE : this.actor();
    const c = this.root(hot, 3, via);
    const inner: Ctx = { ...c, depth: 1 };
    const kind = this.chance(70) ? CALL_KIND.Delegate : CALL_KIND.CallCode;
    const callee = S.env() + this.stateOp(inner) + (this.chance(50) ? this.childCall(inner) : '') + S.env() + (this.chance(50) ? S.save(c.slots[2]) : '') + this.ending(inner);
    const value = kind === CALL_KIND.CallCode && this.chance(40) ? BigInt(1 + this.r.below(1000)) : 0n;
    const script = S.env() + S.call(kind, this.r.pick([ACTOR_A, ACTOR_B, ACTOR_C, ACTOR_CLONE]), value, ALL_GAS, this.recordSlot(hot), callee) + S.read(c.slots[0]) + S.save(c.slots[1]);
    this.pushScript(via, scriptHex(script), 500_000n, { hot, value: this.chance(50) ? BigInt(1 + this.r.below(100_000)) : 0n });
  }

  /** STATICCALL: legal reads (storage, transient, balances, nested static calls, precompiles), and now and then a write somewhere below it. */
  private staticCalls(hot: boolean): void {
    const c = this.root(hot, 3);
    const s: Ctx = { ...c, depth: 1, stat: true };
    const reads: Script[] = [];
    for (let i = 1 + this.r.below(3); i > 0; i--) reads.push(this.stateOp(s));
    if (this.chance(30)) reads.push(S.call(CALL_KIND.Static, this.actor(), 0n, ALL_GAS, 0n, this.stateOp({ ...s, depth: 2 }) + this.stateOp({ ...s, depth: 2 })));
    if (this.chance(25)) {
      const a = 1 + this.r.below(activePrecompiles(this.p.fork));
      reads.push(S.call(CALL_KIND.Static, precompileAddress(a), 0n, precompileGas(this.r), 0n, `0x${precompileInput(this.r, a)}`));
    }
    if (this.chance(55)) {
      const violation = this.r.pick([
        S.add(c.slots[0], 1n), S.set(c.slots[1], 7n), S.log(1n), S.tadd(c.slots[2], 1n), S.destruct(this.target(hot)),
        S.create(0n, this.chance(50) ? undefined : BigInt(this.r.below(4)), 0n, '0x00'),
        S.call(CALL_KIND.Call, this.target(hot), 1n, 10_000n, 0n),
      ]);
      // Directly in the static frame, or in a CALL (without value: still static) below it.
      reads.push(this.chance(60) ? violation : S.call(CALL_KIND.Call, this.actor(), 0n, ALL_GAS, 0n, violation));
    }
    reads.push(this.chance(30) ? S.ret(32n) : '');
    const calls = S.call(CALL_KIND.Static, this.chance(30) ? c.chain[0] : this.actor(), 0n, this.chance(80) ? ALL_GAS : BigInt(3000 + this.r.below(60_000)), this.recordSlot(hot), reads.join(''));
    this.pushScript(c.chain[0], scriptHex(this.stateOp(c), calls, S.save(c.slots[0] + 0x100n), this.chance(40) ? this.frame({ ...c, max: 1 }) : ''), 500_000n, { hot });
  }

  /** Value in calls: to existing and new accounts (25,000 gas), with only the 2,300 stipend, more than the caller has, to precompiles, by CALLCODE. */
  private callValue(hot: boolean): void {
    const c = this.root(hot, 2);
    const parts: Script[] = [];
    for (let i = 1 + this.r.below(3); i > 0; i--) {
      const m = this.r.below(7);
      const v = BigInt(1 + this.r.below(this.chance(10) ? 1_000_000 : 5000));
      const rec = this.recordSlot(hot);
      if (m === 0) parts.push(S.call(CALL_KIND.Call, this.target(hot), v, this.chance(50) ? 0n : ALL_GAS, rec));
      else if (m === 1) parts.push(S.call(CALL_KIND.Call, this.freshAddress(), v, 0n, rec)); // a new account
      else if (m === 2) parts.push(S.call(CALL_KIND.Call, this.actor(), v, 0n, rec, this.chance(50) ? S.env() : S.add(c.slots[0], 1n))); // the stipend only: no SSTORE
      else if (m === 3) parts.push(S.call(CALL_KIND.Call, this.target(hot), 10n ** 30n, ALL_GAS, rec)); // more than the caller has: fails, the caller goes on
      else if (m === 4) parts.push(S.call(CALL_KIND.Call, precompileAddress(1 + this.r.below(activePrecompiles(this.p.fork))), v, ALL_GAS, rec, '0x01'));
      else if (m === 5) parts.push(S.call(CALL_KIND.CallCode, this.actor(), v, ALL_GAS, rec, S.env()));
      else parts.push(S.call(CALL_KIND.Call, this.actor(), v, ALL_GAS, rec, this.frame({ ...c, depth: 1 })));
    }
    this.pushScript(c.chain[0], scriptHex(...parts, S.env(), S.save(c.slots[1])), 400_000n, { hot, value: this.chance(40) ? BigInt(this.r.below(100_000)) : 0n });
  }

  /** Precompiles, valid and invalid inputs, enough gas or too little, by CALL (value too), STATICCALL, DELEGATECALL; from the top frame or a nested one. */
  private precompiles(hot: boolean): void {
    const c = this.root(hot, 1);
    const calls: Script[] = [];
    for (let i = 1 + this.r.below(3); i > 0; i--) {
      // Now and then an address whose precompile this fork does not have yet: an empty account.
      const a = 1 + this.r.below(this.chance(8) ? 0x11 : activePrecompiles(this.p.fork));
      const m = this.r.below(10);
      const kind = m < 5 ? CALL_KIND.Static : m < 8 ? CALL_KIND.Call : m < 9 ? CALL_KIND.Delegate : CALL_KIND.CallCode;
      const value = kind === CALL_KIND.Call && this.chance(15) ? 1n : 0n;
      calls.push(S.call(kind, precompileAddress(a), value, precompileGas(this.r), this.recordSlot(hot), `0x${precompileInput(this.r, a)}`));
    }
    const script = this.chance(70) ? calls.join('') : S.call(CALL_KIND.Call, this.actor(), 0n, ALL_GAS, this.recordSlot(hot), calls.join('') + this.ending({ ...c, depth: 1 }));
    this.pushScript(c.chain[0], scriptHex(script, S.save(c.slots[0])), 800_000n, { hot });
  }

  /** Out of gas at every depth: a callee given all but one 64th that burns it, an exact budget just short, a caller that runs out after its callee returns. */
  private gas63(hot: boolean): void {
    const c = this.root(hot, 1);
    const depth = 1 + this.r.below(4);
    let inner = this.chance(50) ? S.burn() : S.add(c.slots[0], 1n) + S.loop(BigInt(this.r.below(1000))) + S.save(c.slots[1]);
    for (let d = depth; d > 0; d--) {
      const gas = this.chance(70) ? ALL_GAS : BigInt(500 + this.r.below(this.chance(50) ? 30_000 : 200_000));
      const after = this.chance(70) ? S.add(c.slots[d % 3], 1n) + S.save(c.slots[(d + 1) % 3] + 0x100n) : S.env();
      inner = S.call(CALL_KIND.Call, this.actor(), 0n, gas, this.chance(50) ? this.recordSlot(hot) : 0n, inner) + after;
    }
    this.pushScript(c.chain[0], scriptHex(inner), BigInt(40_000 + this.r.below(this.chance(50) ? 100_000 : 300_000)), { hot, exact: true });
  }

  /** A loop of 1 to 5 million opcodes (several GPU dispatches), at the top or one frame down; sometimes out of gas in the middle, or reverted after. */
  private longLoop(hot: boolean): void {
    const opcodes = 1_000_000 + (this.chance(85) ? this.r.below(500_000) : this.r.below(4_000_000));
    const n = BigInt(Math.ceil(opcodes / LOOP_OPCODES_PER_ITERATION));
    const c = this.root(hot, 1);
    const body = S.add(c.slots[0], 1n) + S.loop(n) + S.save(c.slots[1]);
    const nested = this.chance(35);
    const script = nested ? S.call(CALL_KIND.Call, this.actor(), 0n, ALL_GAS, this.recordSlot(hot), body + (this.chance(30) ? S.revert() : '')) + S.save(c.slots[2]) : body;
    const gas = n * 60n + 150_000n;
    this.pushScript(c.chain[0], scriptHex(script), this.chance(12) ? (gas * BigInt(50 + this.r.below(45))) / 100n : gas, { hot, exact: true });
  }

  /** Recursion to the 1024 limit: the actor calls itself 1,100 levels down with gas enough for the 63/64 rule (or, now and then, not quite). */
  private depthLimit(hot: boolean): void {
    const c = this.root(hot, 1);
    const gas = this.chance(80) ? 400_000_000_000n + BigInt(this.r.below(1_000_000_000)) : 2_000_000_000n;
    this.pushScript(c.chain[0], scriptHex(S.deep(1030n + BigInt(this.r.below(100))), S.add(c.slots[0], 1n)), gas, { hot, exact: true });
  }
}
