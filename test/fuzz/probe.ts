import { ReferenceEngine, type VMInstance } from '../../src/engine/reference.js';
import type { Batch, BatchResult } from '../../src/model/shapes.js';

/**
 * The oracle, watched: the same @ethereumjs/vm run as `reference`, with listeners that
 * count what the batch's transactions did inside the EVM (frames by depth, reverts and
 * halts in the middle of the stack, creates, precompile calls, opcodes per
 * transaction), so a run can say how much of that its corpus held. The listeners only
 * read: each opcode handler of this VM is wrapped to count before it runs, and message
 * events are watched synchronously.
 */
export interface FrameProbe {
  /** Frames below the transaction's own (depth >= 1), by depth (index 5 = 5 and deeper). */
  nestedByDepth: number[];
  deepest: number;
  /** Nested frames that ended in REVERT, or in an exceptional halt (out of gas, invalid, static violation...), by depth (index 5 = 5+). */
  revertedByDepth: number[];
  haltedByDepth: number[];
  /** Failed nested frames whose own children had succeeded: their effects rolled back with them. */
  rolledBack: number;
  /** Frames running code of an account already on the stack below them (not by DELEGATECALL/CALLCODE). */
  reentrant: number;
  staticFrames: number;
  /** Failed frames under STATICCALL. */
  staticFailed: number;
  delegateFrames: number;
  callcodeFrames: number;
  valueFrames: number;
  /** CREATE/CREATE2 executed by frames (not creation transactions), and how many of them failed. */
  frameCreates: number;
  frameCreatesFailed: number;
  /** Precompile calls by address (decimal), with failures. */
  precompiles: Map<number, { calls: number; failed: number }>;
  /** Opcodes run by each included transaction, in order. */
  opcodes: number[];
  /** Executions of some opcodes of interest, by name. */
  ops: Map<string, number>;
}

const COUNTED = new Map<number, string>([
  [0xf0, 'CREATE'], [0xf5, 'CREATE2'], [0xff, 'SELFDESTRUCT'], [0xfd, 'REVERT'], [0x5d, 'TSTORE'], [0x5c, 'TLOAD'],
  [0xf1, 'CALL'], [0xf2, 'CALLCODE'], [0xf4, 'DELEGATECALL'], [0xfa, 'STATICCALL'],
]);

export const newProbe = (): FrameProbe => ({
  nestedByDepth: [0, 0, 0, 0, 0, 0], deepest: 0, revertedByDepth: [0, 0, 0, 0, 0, 0], haltedByDepth: [0, 0, 0, 0, 0, 0],
  rolledBack: 0, reentrant: 0, staticFrames: 0, staticFailed: 0, delegateFrames: 0, callcodeFrames: 0, valueFrames: 0,
  frameCreates: 0, frameCreatesFailed: 0, precompiles: new Map(), opcodes: [], ops: new Map(),
});

interface Msg { depth: number; to?: { toString(): string }; codeAddress: { toString(): string }; isStatic: boolean; delegatecall: boolean; value: bigint }
interface OpEntry { opcodeInfo: { code: number }; opHandler: (...a: unknown[]) => unknown }
interface Watched {
  events: { on(e: string, f: (x: never) => void): void };
  evm: { events: { on(e: string, f: (x: never) => void): void }; _opcodeMap: OpEntry[]; getPrecompile(a: unknown): unknown };
}

export class ProbedReference extends ReferenceEngine {
  /** What the last executed batch did. */
  last: FrameProbe = newProbe();

  private counts = new Map<number, number>();

  override async execute(batch: Batch): Promise<BatchResult> {
    this.last = newProbe();
    this.counts = new Map();
    const r = await super.execute(batch);
    for (const [i, n] of this.counts) this.last.ops.set(COUNTED.get(i)!, n);
    return r;
  }

  protected override observe(vm: VMInstance): void {
    const p = this.last;
    const w = vm as unknown as Watched;
    let steps = 0;
    const counts = this.counts;
    w.evm._opcodeMap = w.evm._opcodeMap.map((e, i) => {
      const named = COUNTED.has(i);
      const handler = e.opHandler;
      return { ...e, opHandler: (...a: unknown[]) => { steps++; if (named) counts.set(i, (counts.get(i) ?? 0) + 1); return handler(...a); } };
    });
    w.events.on('beforeTx', () => { steps = 0; });
    w.events.on('afterTx', () => { p.opcodes.push(steps); });

    const bucket = (d: number) => Math.min(d, 5);
    const stack: { msg: Msg; create: boolean; childOk: boolean }[] = [];
    w.evm.events.on('beforeMessage', (m: never) => {
      const msg = m as Msg;
      // A create's message gets its address (`to`) while it runs.
      stack.push({ msg, create: msg.to === undefined, childOk: false });
      if (msg.depth === 0) return;
      p.nestedByDepth[bucket(msg.depth)]++;
      p.deepest = Math.max(p.deepest, msg.depth);
      if (msg.isStatic) p.staticFrames++;
      if (msg.value > 0n) p.valueFrames++;
      if (msg.to === undefined) {
        p.frameCreates++;
        return;
      }
      const to = msg.to.toString();
      const code = msg.codeAddress.toString();
      if (msg.delegatecall) p.delegateFrames++;
      else if (code !== to) p.callcodeFrames++;
      else if (stack.slice(0, -1).some((f) => !f.create && f.msg.codeAddress.toString() === to)) p.reentrant++;
      if (w.evm.getPrecompile(msg.codeAddress) !== undefined) {
        const a = Number(BigInt(code));
        p.precompiles.set(a, p.precompiles.get(a) ?? { calls: 0, failed: 0 });
        p.precompiles.get(a)!.calls++;
      }
    });
    w.evm.events.on('afterMessage', (r: never) => {
      const frame = stack.pop();
      if (!frame) return;
      const err = (r as { execResult: { exceptionError?: { error: string } } }).execResult.exceptionError;
      if (!err) {
        if (stack.length > 0) stack[stack.length - 1].childOk = true;
        return;
      }
      const { msg, create } = frame;
      if (msg.depth === 0) return;
      (err.error === 'revert' ? p.revertedByDepth : p.haltedByDepth)[bucket(msg.depth)]++;
      if (frame.childOk) p.rolledBack++;
      if (msg.isStatic) p.staticFailed++;
      if (create) p.frameCreatesFailed++;
      else if (w.evm.getPrecompile(msg.codeAddress) !== undefined) p.precompiles.get(Number(BigInt(msg.codeAddress.toString())))!.failed++;
    });
  }
}
