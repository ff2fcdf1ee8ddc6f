import { bigIntToBytes, bytesToHex, generateAddress, hexToBytes } from '@ethereumjs/util';
import type { Hex } from '../../src/model/shapes.js';
import { actorInit, CALL_KIND, callingInit, create2Address, indirect, oddInit, S, scriptHex, type Script } from './actor.js';
import { createInit } from './contracts.js';
import { ALL_GAS, FrameKinds, type Ctx } from './frames.js';
import { quantity } from '../../bench/workloads/common.js';

/**
 * The `spawn` kind: CREATE and CREATE2 from the actor's frames. Init codes that deploy
 * an actor (then called in the same transaction, and by later ones through the slot
 * its address was stored in, or directly), that re-enter their creator from the
 * constructor, revert, run out of gas, deploy code starting with 0xEF or over 24,576
 * bytes, fail their code deposit for lack of gas, or self-destruct; CREATE2 salts
 * reused (within a transaction and across the batch) and targets already occupied in
 * the pre-state; endowments, some more than the creator has; several creates per
 * transaction (nonce increments); creates in a frame that reverts afterwards.
 */
interface Spawned {
  /** The account whose storage slot holds the address (an indirect call must run there). */
  via: Hex;
  slot: bigint;
  /** Known up front for CREATE2 and creation transactions. */
  address?: Hex;
}

export abstract class SpawnKinds extends FrameKinds {
  private readonly spawned: Spawned[] = [];
  private readonly salts = new Map<string, number>();

  protected spawn(hot: boolean): void {
    this.placeActors();
    const m = this.r.below(100);
    if (this.spawned.length > 0 && m < 25) return this.callSpawned(hot);
    if (m < 33) return this.createTx(hot);
    const creator = this.actor();
    // Sometimes the creates run one frame down, in a frame that reverts after them (or is short of gas for a code deposit).
    const wrap = this.chance(25) ? this.r.pick([this.actor(), creator]) : undefined;
    const c = this.root(hot, 2, wrap ?? creator);
    const parts: Script[] = [];
    let big = false;
    for (let i = 1 + this.r.below(3); i > 0; i--) {
      const { init, callable, huge } = this.spawnInit(wrap ?? creator, c);
      big ||= huge;
      const create2 = this.chance(50);
      const salt = create2 ? BigInt(this.r.below(4)) : undefined;
      const value = this.chance(20) ? BigInt(1 + this.r.below(1000)) : this.chance(5) ? 10n ** 30n : 0n;
      const rec = this.recordSlot(hot);
      const address = salt === undefined ? undefined : create2Address(wrap ?? creator, salt, init);
      if (address) this.occupy(address);
      parts.push(S.create(value, salt, rec, init));
      // The same CREATE2 twice in a row: the second collides.
      if (salt !== undefined && this.chance(15)) parts.push(S.create(0n, salt, this.recordSlot(hot), init));
      if (callable) {
        this.spawned.push({ via: wrap ?? creator, slot: rec, address });
        // Called right away: its frames may self-destruct (created in this transaction: deleted under EIP-6780 too).
        if (this.chance(60)) parts.push(S.call(CALL_KIND.Call, indirect(rec), this.chance(20) ? 5n : 0n, ALL_GAS, this.recordSlot(hot), this.frame({ ...c, depth: 1, mayDie: true, chain: [...c.chain] })));
      }
    }
    let script = parts.join('') + S.save(c.slots[0]);
    if (wrap) {
      const gas = big && this.chance(60) ? BigInt(100_000 + this.r.below(600_000)) : ALL_GAS;
      script = S.call(CALL_KIND.Call, wrap, 0n, gas, this.recordSlot(hot), script + (this.chance(50) ? S.revert() : '')) + S.read(c.slots[0]) + S.save(c.slots[1]);
    }
    this.pushScript(creator, scriptHex(script), big ? 6_000_000n : 800_000n, { hot });
  }

  /** An init code: mostly one that deploys the actor; else one whose constructor calls out, or one that fails or deploys something odd. */
  private spawnInit(creator: Hex, c: Ctx): { init: Hex; callable: boolean; huge: boolean } {
    const tag = BigInt(this.r.below(1 << 16));
    const m = this.r.below(100);
    if (m < 55) return { init: actorInit(tag), callable: true, huge: false };
    if (m < 67) {
      // The constructor calls its creator (re-entering the frame that is creating it) or another actor.
      const script = scriptHex(this.stateOp({ ...c, depth: 1 }), S.read(c.slots[0]), this.chance(30) ? S.revert() : '');
      return { init: callingInit(this.chance(60) ? creator : this.actor(), script), callable: true, huge: false };
    }
    if (m < 72) return { init: createInit(tag, 'destruct', BigInt(this.target(c.hot))), callable: false, huge: false };
    // Code starting with 0xEF deploys before London (EIP-3541) but is no actor: not called with a script.
    const how = this.r.pick(['ef', 'ef', 'oversize', 'burn', 'oog', 'oog', 'revert', 'big', 'big', 'maxsize'] as const);
    return { init: oddInit(how, tag), callable: false, huge: how === 'big' || how === 'maxsize' };
  }

  /** Sometimes an account already at a CREATE2 target: with a nonce or code (a collision), or only storage or balance. */
  private occupy(address: Hex): void {
    const seen = this.salts.get(address) ?? 0;
    this.salts.set(address, seen + 1);
    if (seen > 0 || address in this.pre || !this.chance(10)) return;
    this.pre[address] = this.r.pick([
      { balance: '0x0', nonce: '0x1' },
      { balance: '0x0', nonce: '0x0', code: '0x00' },
      { balance: '0x0', nonce: '0x0', storage: { '0x1': '0x2' } },
      { balance: quantity(1 + this.r.below(1000)), nonce: '0x0' },
    ]);
  }

  /** A later transaction calls a contract an earlier one created: through the slot its creator stored it in, or directly. */
  private callSpawned(hot: boolean): void {
    const s = this.r.pick(this.spawned);
    const c = this.root(hot, 2, s.via);
    const callee = this.frame({ ...c, depth: 1, mayDie: true });
    if (s.address && (s.via === s.address || this.chance(50))) this.pushScript(s.address, scriptHex(callee), 500_000n, { hot });
    else this.pushScript(s.via, scriptHex(S.call(CALL_KIND.Call, indirect(s.slot), 0n, ALL_GAS, this.recordSlot(hot), callee), S.save(c.slots[0])), 500_000n, { hot });
  }

  /** A creation transaction deploying the actor, called with scripts later in the batch. */
  private createTx(hot: boolean): void {
    const from = this.sender(hot);
    const nonce = this.nonces.get(from) ?? 0n;
    const init = actorInit(BigInt(this.r.below(1 << 16)));
    this.push(from, null, 600_000n, { value: quantity(this.chance(20) ? this.r.below(1000) : 0), data: init });
    const address = bytesToHex(generateAddress(hexToBytes(from), bigIntToBytes(nonce))) as Hex;
    this.created.push(address);
    this.spawned.push({ via: address, slot: 0n, address });
    // (`via` is the contract itself: it is only called directly.)
  }
}
