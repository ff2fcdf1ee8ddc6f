import { isJumpdest } from '../evm/code-analysis.js';
import type { Fragment, Program } from './fragments.js';
import { END_FALL, END_JUMP, END_JUMPI, END_STEP, MICRO_CONST, REGISTERS, TARGET_BAD, TARGET_DYNAMIC } from './program-layout.js';
import { SymbolicStack, type StackValue } from './stack.js';

/**
 * Stages 5 and 6 for one fragment: the stack as registers (stack.ts) and jump folding.
 * A jump whose target is a constant (PUSH then JUMP or JUMPI, through any DUP and SWAP)
 * becomes a direct transition, checked against the JUMPDEST bitmap here, at compile
 * time; a JUMPI on a constant condition becomes a JUMP or a fall-through. Other jumps
 * keep the interpreter's run-time check. The result is what both back ends of stage 7
 * write out: program words (encode.ts) and WGSL (emit-wgsl.ts), so the two cannot
 * disagree on what a fragment does.
 */

/**
 * Where a guarded opcode hands over to the interpreter when its quick case does not
 * hold: the stack as the opcodes before it left it (written back), the gas and steps
 * of it and the opcodes after it (charged by the entry check, given back), and its pc.
 */
export interface SideExit {
  readonly pc: number;
  readonly writes: readonly { readonly off: number; readonly reg: number }[];
  readonly change: number;
  readonly gas: number;
  readonly steps: number;
}

/** One register operation: `dst = kind(a, b)`; kind MICRO_CONST loads `value`. */
export interface MicroOp {
  readonly kind: number;
  readonly dst: number;
  readonly a: number;
  readonly b: number;
  /** The registers it reads, in operand order (a, b are the first two). */
  readonly args: readonly number[];
  /** The opcode's name (listing and comments). */
  readonly name: string;
  readonly value?: bigint;
  /** Guarded opcodes (MLOAD, MSTORE, CALLDATALOAD): the side exit. MSTORE writes no register. */
  readonly exit?: SideExit;
}

/** A fragment after stages 5 and 6. */
export interface LoweredFragment {
  readonly fragment: Fragment;
  /** Per instruction: its source line, then the operations it made. */
  readonly lines: readonly { readonly source: string; readonly ops: readonly MicroOp[] }[];
  /** Every operation, in order. */
  readonly ops: readonly MicroOp[];
  /** Stack items written back: slot `off` from the entry height gets register `reg`. */
  readonly writes: readonly { readonly off: number; readonly reg: number }[];
  /** Entry items (registers 0..n-1) the fragment reads. */
  readonly entryUsed: readonly number[];
  readonly end: number;
  /** FALL/STEP: where execution goes on; JUMP/JUMPI: the folded target, TARGET_BAD or TARGET_DYNAMIC. */
  readonly target: number;
  readonly destReg: number;
  readonly condReg: number;
  readonly jumpPc: number;
  readonly nextPc: number;
  /** The exit in words, for listings and comments. */
  readonly tail: string;
  readonly registers: number;
}

export const hex = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;
const MASK = (1n << 256n) - 1n;

export function describe(ins: { pc: number; op: { name: string }; push?: bigint; defined: boolean }): string {
  const name = ins.defined ? ins.op.name : `${ins.op.name} (undefined at this fork)`;
  return `${hex(ins.pc)} ${name}${ins.push !== undefined && ins.op.name !== 'PUSH0' ? ` 0x${ins.push.toString(16)}` : ''}`;
}

/** A jump target known at compile time: the pc, or TARGET_BAD when the interpreter would refuse it. */
function foldTarget(p: Program, v: StackValue): number | undefined {
  if (v.kind !== 'const') return undefined;
  return v.value < BigInt(p.code.length) && isJumpdest(p.jumpdests, Number(v.value)) ? Number(v.value) : TARGET_BAD;
}

export function lowerFragment(p: Program, f: Fragment): LoweredFragment {
  const ops: MicroOp[] = [];
  const lines: { source: string; ops: MicroOp[] }[] = [];
  const emit = (op: MicroOp) => {
    ops.push(op);
    if (lines.length === 0) lines.push({ source: '', ops: [] });
    lines[lines.length - 1].ops.push(op);
  };
  const stack = new SymbolicStack(f.stackRequired, f.stackRequired, (value, reg) =>
    emit({ kind: MICRO_CONST, dst: reg, a: 0, b: 0, args: [], name: 'const', value: value & MASK }),
  );
  const entryUsed = new Set<number>();
  const use = (v: StackValue) => {
    const r = stack.reg(v);
    if (r < f.stackRequired) entryUsed.add(r);
    return r;
  };
  let jump: { pc: number; next: number; dest: StackValue; cond?: StackValue } | undefined;
  for (const [i, ins] of f.body.entries()) {
    lines.push({ source: describe(ins), ops: [] });
    const r = ins.rule;
    switch (r.kind) {
      case 'push':
        stack.push({ kind: 'const', value: ins.push! });
        break;
      case 'pc':
        stack.push({ kind: 'const', value: BigInt(ins.pc) });
        break;
      case 'dup':
        stack.push(stack.peek(r.n - 1));
        break;
      case 'swap':
        stack.swap(r.n);
        break;
      case 'pop':
        stack.pop();
        break;
      case 'nop':
        break;
      case 'word': {
        const dst = stack.fresh();
        emit({ kind: ins.op.code, dst, a: 0, b: 0, args: [], name: ins.op.name });
        stack.push({ kind: 'reg', reg: dst });
        break;
      }
      case 'arith': {
        const args = Array.from({ length: r.arity }, () => stack.pop());
        const regs = args.map(use);
        const dst = stack.fresh();
        emit({ kind: ins.op.code, dst, a: regs[0] ?? 0, b: regs[1] ?? 0, args: regs, name: ins.op.name });
        stack.push({ kind: 'reg', reg: dst });
        break;
      }
      case 'guarded': {
        const rest = f.body.slice(i);
        const writes = stack.writeBack();
        for (const w of writes) if (w.reg < f.stackRequired) entryUsed.add(w.reg);
        const exit: SideExit = { pc: ins.pc, writes, change: stack.change(), gas: rest.reduce((g, x) => g + x.gas, 0), steps: rest.length };
        const args = Array.from({ length: ins.op.pops }, () => use(stack.pop()));
        const dst = r.produces ? stack.fresh() : 0;
        emit({ kind: ins.op.code, dst, a: args[0], b: args[1] ?? 0, args, name: ins.op.name, exit });
        if (r.produces) stack.push({ kind: 'reg', reg: dst });
        break;
      }
      case 'jump':
        jump = { pc: ins.pc, next: ins.next, dest: stack.pop() };
        break;
      case 'jumpi': {
        const dest = stack.pop();
        jump = { pc: ins.pc, next: ins.next, dest, cond: stack.pop() };
        break;
      }
    }
  }
  if (stack.change() !== f.stackChange) throw new Error(`compiler: fragment at ${hex(f.start)} changes the stack by ${stack.change()}, its analysis says ${f.stackChange}`);

  let end = END_FALL;
  let target = 0;
  let destReg = 0;
  let condReg = 0;
  let tail: string;
  if (f.end.kind === 'fall') {
    target = f.end.pc;
    tail = `then ${hex(target)}`;
  } else if (f.end.kind === 'interpret') {
    end = END_STEP;
    target = f.end.at.pc;
    tail = `then ${describe(f.end.at)} in the interpreter`;
  } else {
    const j = jump!;
    const folded = foldTarget(p, j.dest);
    if (folded === undefined) destReg = use(j.dest);
    target = folded ?? TARGET_DYNAMIC;
    const to = folded === undefined ? `r${destReg} (checked at run time)` : folded === TARGET_BAD ? 'an invalid target (folded)' : `${hex(folded)} (folded)`;
    if (!j.cond || (j.cond.kind === 'const' && j.cond.value !== 0n)) {
      end = END_JUMP;
      tail = `then jump to ${to}`;
    } else if (j.cond.kind === 'const') {
      target = j.next;
      tail = `then ${hex(j.next)} (condition folded to false)`;
    } else {
      end = END_JUMPI;
      condReg = use(j.cond);
      tail = `then if r${condReg} jump to ${to}, else ${hex(j.next)}`;
    }
  }
  const writes = stack.writeBack();
  for (const w of writes) if (w.reg < f.stackRequired) entryUsed.add(w.reg);
  if (stack.registersUsed() > REGISTERS) throw new Error(`compiler: fragment at ${hex(f.start)} needs ${stack.registersUsed()} registers`);
  return {
    fragment: f, lines, ops, writes, entryUsed: [...entryUsed].sort((a, b) => a - b), end, target, destReg, condReg,
    jumpPc: jump?.pc ?? 0, nextPc: jump?.next ?? 0, tail, registers: stack.registersUsed(),
  };
}

/** The fragment's title line: where it sits and what its entry check asks. */
export function fragmentTitle(l: LoweredFragment): string {
  const f = l.fragment;
  const entry = f.stackRequired === 0 ? '' : f.stackRequired === 1 ? ' (entry item in r0)' : ` (entry items in r0..r${f.stackRequired - 1}, r0 the top)`;
  return `${hex(f.start)}: block ${hex(f.block.start)}..${hex(f.block.end)}, needs ${f.stackRequired}${entry}, grows ${f.stackMaxGrowth}, gas ${f.staticGas}, steps ${f.body.length}`;
}

/** The write-back and exit in words. */
export function fragmentExit(l: LoweredFragment): string {
  const wb = l.writes.map((w) => `${w.off >= 0 ? '+' : ''}${w.off} <- r${w.reg}`);
  const c = l.fragment.stackChange;
  return `write-back: ${wb.length ? wb.join(', ') : 'none'}; sp ${c >= 0 ? '+' : ''}${c}; ${l.tail}`;
}

/** How the listing shows one operation. */
export function describeOp(o: MicroOp): string {
  if (o.kind === MICRO_CONST) return `r${o.dst} = 0x${o.value!.toString(16)}`;
  if (o.args.length === 0) return `r${o.dst} = ${o.name}`;
  const call = `${o.name}(${o.args.map((x) => `r${x}`).join(', ')})`;
  if (!o.exit) return `r${o.dst} = ${call}`;
  return `${o.name === 'MSTORE' ? call : `r${o.dst} = ${call}`} if quick, else ${describeExit(o.exit)}`;
}

/** A side exit in words. */
export function describeExit(e: SideExit): string {
  const wb = e.writes.map((w) => `${w.off >= 0 ? '+' : ''}${w.off} <- r${w.reg}`);
  return `write-back: ${wb.length ? wb.join(', ') : 'none'}; sp ${e.change >= 0 ? '+' : ''}${e.change}; ${e.gas} gas and ${e.steps} steps back; ${hex(e.pc)} in the interpreter`;
}
