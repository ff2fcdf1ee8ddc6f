import { isJumpdest } from '../evm/code-analysis.js';
import type { Fragment, Program } from './fragments.js';
import {
  END_FALL, END_JUMP, END_JUMPI, END_STEP, FRAGMENT, MICRO, MICRO_CONST, NO_FRAGMENT, REGISTERS, TARGET_BAD, TARGET_DYNAMIC, WRITE,
} from './program-layout.js';
import { SymbolicStack, type StackValue } from './stack.js';

/**
 * Stages 6 and 7: jump folding and encoding. A jump whose target is a constant (PUSH
 * then JUMP or JUMPI, through any DUP and SWAP) becomes a direct transition, checked
 * against the JUMPDEST bitmap here, at compile time; a JUMPI on a constant condition
 * becomes a JUMP or a fall-through. Other jumps keep the interpreter's run-time check.
 * Each fragment is encoded as the words kernels/compiled/fast.wgsl runs (layout in
 * program-layout.ts), and described in a listing that names every source pc: the
 * listing is what the snapshot tests review.
 */
export interface EncodedProgram {
  readonly words: Uint32Array;
  readonly listing: string;
}

const hex = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;
const MASK = (1n << 256n) - 1n;

function describe(ins: { pc: number; op: { name: string }; push?: bigint; defined: boolean }): string {
  const name = ins.defined ? ins.op.name : `${ins.op.name} (undefined at this fork)`;
  return `${hex(ins.pc)} ${name}${ins.push !== undefined && ins.op.name !== 'PUSH0' ? ` 0x${ins.push.toString(16)}` : ''}`;
}

/** A jump target known at compile time: the pc, or TARGET_BAD when the interpreter would refuse it. */
function foldTarget(p: Program, v: StackValue): number | undefined {
  if (v.kind !== 'const') return undefined;
  return v.value < BigInt(p.code.length) && isJumpdest(p.jumpdests, Number(v.value)) ? Number(v.value) : TARGET_BAD;
}

interface Encoded {
  header: number[];
  micro: number[][];
  writes: number[][];
  consts: bigint[];
  listing: string[];
}

function encodeFragment(p: Program, f: Fragment, constBase: (k: number) => number): Encoded {
  const micro: number[][] = [];
  const consts: bigint[] = [];
  const listing: string[] = [];
  const stack = new SymbolicStack(f.stackRequired, f.stackRequired, (value, reg) => {
    micro.push([MICRO_CONST, reg, constBase(consts.length), 0]);
    consts.push(value & MASK);
    listing.push(`    r${reg} = 0x${(value & MASK).toString(16)}`);
  });
  const regName = (v: StackValue) => `r${stack.reg(v)}`;
  let jump: { pc: number; next: number; dest: StackValue; cond?: StackValue } | undefined;
  for (const ins of f.body) {
    listing.push(`  ${describe(ins)}`);
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
        micro.push([ins.op.code, dst, 0, 0]);
        listing.push(`    r${dst} = ${ins.op.name}`);
        stack.push({ kind: 'reg', reg: dst });
        break;
      }
      case 'arith': {
        const args = Array.from({ length: r.arity }, () => stack.pop());
        const regs = args.map((a) => stack.reg(a));
        const dst = stack.fresh();
        micro.push([ins.op.code, dst, regs[0] ?? 0, regs[1] ?? 0]);
        listing.push(`    r${dst} = ${ins.op.name}(${regs.map((x) => `r${x}`).join(', ')})`);
        stack.push({ kind: 'reg', reg: dst });
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
    if (folded === undefined) destReg = stack.reg(j.dest);
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
      condReg = stack.reg(j.cond);
      tail = `then if r${condReg} jump to ${to}, else ${hex(j.next)}`;
    }
  }
  const writes = stack.writeBack().map((w) => [w.off >>> 0, w.reg]);
  if (stack.registersUsed() > REGISTERS) throw new Error(`compiler: fragment at ${hex(f.start)} needs ${stack.registersUsed()} registers`);
  const wb = stack.writeBack().map((w) => `${w.off >= 0 ? '+' : ''}${w.off} <- r${w.reg}`);
  listing.push(`  write-back: ${wb.length ? wb.join(', ') : 'none'}; sp ${f.stackChange >= 0 ? '+' : ''}${f.stackChange}; ${tail}`);
  const header = [
    f.stackRequired, f.stackMaxGrowth, f.staticGas, f.body.length, micro.length, writes.length, f.stackChange >>> 0,
    end, target, destReg, condReg, jump?.pc ?? 0, jump?.next ?? 0,
  ];
  if (header.length !== FRAGMENT.words) throw new Error('compiler: FRAGMENT layout and encoder disagree');
  const entry = f.stackRequired === 0 ? '' : f.stackRequired === 1 ? ' (entry item in r0)' : ` (entry items in r0..r${f.stackRequired - 1}, r0 the top)`;
  const title = `${hex(f.start)}: block ${hex(f.block.start)}..${hex(f.block.end)}, needs ${f.stackRequired}${entry}, grows ${f.stackMaxGrowth}, gas ${f.staticGas}, steps ${f.body.length}`;
  return { header, micro, writes, consts, listing: [title, ...listing] };
}

export function encodeProgram(p: Program): EncodedProgram {
  // Two passes: constants live in a pool after every fragment, so their offsets are known once the fragments are sized.
  const sized = p.fragments.map((f) => encodeFragment(p, f, () => 0));
  const fragmentsAt = p.code.length;
  let at = fragmentsAt;
  const offsets = sized.map((e) => {
    const o = at;
    at += FRAGMENT.words + e.micro.length * MICRO.words + e.writes.length * WRITE.words;
    return o;
  });
  let pool = at;
  const encoded = p.fragments.map((f) => {
    const base = pool;
    const e = encodeFragment(p, f, (k) => base + k * 8);
    pool += e.consts.length * 8;
    return e;
  });
  const words = new Uint32Array(pool).fill(0);
  words.fill(NO_FRAGMENT, 0, p.code.length);
  let cp = at;
  encoded.forEach((e, i) => {
    words[p.fragments[i].start] = offsets[i];
    let w = offsets[i];
    for (const x of [e.header, ...e.micro, ...e.writes]) for (const v of x) words[w++] = v;
    for (const c of e.consts) for (let k = 0; k < 8; k++) words[cp++] = Number((c >> BigInt(32 * k)) & 0xffffffffn);
  });
  return { words, listing: encoded.map((e) => e.listing.join('\n')).join('\n\n') };
}
