import { analyzeCode, isJumpdest, type BasicBlock } from '../evm/code-analysis.js';
import type { Fork } from '../model/fork.js';
import { decode, type Instruction } from './decode.js';
import { inlineRule, producesValue, type InlineOp } from './inline-ops.js';
import { FAST_ITEMS } from './program-layout.js';

/**
 * Stages 2 to 4: the JUMPDEST bitmap and basic blocks (src/evm/code-analysis.ts, the
 * analysis the interpreter's host side uses too), then each reachable block cut into
 * fragments: a run of inline opcodes ended by a jump, a fall into the next block, or an
 * opcode left to the interpreter, after which the next fragment (its continuation)
 * starts. Each fragment carries what its entry check needs, summed once: static gas,
 * stack items required, most growth, net change, and its step count.
 */
export interface InlineInstruction extends Instruction {
  readonly rule: InlineOp;
}

export type FragmentEnd =
  /** A JUMP or JUMPI, the fragment's last inline instruction. */
  | { readonly kind: 'jump' }
  /** Execution continues at `pc` (the next block, or the end of the code). */
  | { readonly kind: 'fall'; readonly pc: number }
  /** The instruction runs in the interpreter; `resumes` says whether a continuation follows. */
  | { readonly kind: 'interpret'; readonly at: Instruction; readonly resumes: boolean };

export interface Fragment {
  readonly start: number;
  /** The basic block holding the fragment. */
  readonly block: BasicBlock;
  readonly body: readonly InlineInstruction[];
  readonly end: FragmentEnd;
  readonly staticGas: number;
  readonly stackRequired: number;
  readonly stackMaxGrowth: number;
  readonly stackChange: number;
}

export interface Program {
  readonly code: Uint8Array;
  readonly fork: Fork;
  readonly instructions: readonly Instruction[];
  readonly jumpdests: Uint32Array;
  readonly blocks: readonly BasicBlock[];
  /** Reachable fragments, by start pc, in pc order. */
  readonly fragments: readonly Fragment[];
}


/** Whether a fragment can resume after this instruction: not after a halt or an undefined byte (a call's caller resumes after it). */
function resumesAfter(i: Instruction): boolean {
  return i.defined && !i.op.terminates;
}

export function buildProgram(code: Uint8Array, fork: Fork): Program {
  const instructions = decode(code, fork);
  const { jumpdests, blocks } = analyzeCode(code, fork);
  const index = new Map(instructions.map((ins, k) => [ins.pc, k]));
  const blockAt = new Map<number, BasicBlock>();
  for (const b of blocks) for (let k = index.get(b.start)!; k < instructions.length && instructions[k].pc < b.end; k++) blockAt.set(instructions[k].pc, b);

  const cut = (start: number): Fragment => {
    const block = blockAt.get(start)!;
    const body: InlineInstruction[] = [];
    let gas = 0;
    let height = 0;
    let required = 0;
    let growth = 0;
    let values = 0;
    let end: FragmentEnd | undefined;
    for (let k = index.get(start)!; !end; k++) {
      const ins = instructions[k];
      if (!ins) {
        end = { kind: 'fall', pc: instructions[k - 1].next };
        break;
      }
      if (ins.pc !== start && ins.pc === block.end) {
        end = { kind: 'fall', pc: ins.pc };
        break;
      }
      const rule = inlineRule(ins.op, ins.defined);
      const needs = Math.max(required, ins.op.pops - height);
      const top = Math.max(growth, height + ins.op.pushes - ins.op.pops);
      // Past FAST_ITEMS entry items, write-back items or new values (the register file
      // of kernels/compiled/fast.wgsl holds two FAST_ITEMS), the instruction runs in the interpreter.
      const made = values + (rule && producesValue(rule) ? 1 : 0);
      if (!rule || needs > FAST_ITEMS || needs + top > FAST_ITEMS || made > FAST_ITEMS) {
        end = { kind: 'interpret', at: ins, resumes: resumesAfter(ins) && ins.next < code.length };
        break;
      }
      body.push({ ...ins, rule });
      values = made;
      gas += ins.gas;
      required = Math.max(required, ins.op.pops - height);
      height += ins.op.pushes - ins.op.pops;
      growth = Math.max(growth, height);
      if (rule.kind === 'jump' || rule.kind === 'jumpi') end = { kind: 'jump' };
    }
    return { start, block, body, end, staticGas: gas, stackRequired: required, stackMaxGrowth: growth, stackChange: height };
  };

  // Roots: the entry and every JUMPDEST (a dynamic jump may land on any); then what
  // each fragment can continue into.
  const fragments = new Map<number, Fragment>();
  const work = [0, ...instructions.filter((i) => isJumpdest(jumpdests, i.pc)).map((i) => i.pc)].filter((pc) => pc < code.length);
  while (work.length) {
    const pc = work.pop()!;
    if (fragments.has(pc)) continue;
    const f = cut(pc);
    fragments.set(pc, f);
    const last = f.body[f.body.length - 1];
    if (f.end.kind === 'fall' && f.end.pc < code.length) work.push(f.end.pc);
    if (f.end.kind === 'interpret' && f.end.resumes) work.push(f.end.at.next);
    if (f.end.kind === 'jump' && last.rule.kind === 'jumpi' && last.next < code.length) work.push(last.next);
    // After a side exit the interpreter runs the guarded opcode, and fragments resume after it.
    for (const ins of f.body) if (ins.rule.kind === 'guarded' && ins.next < code.length) work.push(ins.next);
  }
  return { code, fork, instructions, jumpdests, blocks, fragments: [...fragments.values()].sort((a, b) => a.start - b.start) };
}
