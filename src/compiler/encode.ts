import type { Program } from './fragments.js';
import { describeOp, fragmentExit, fragmentTitle, lowerFragment, type LoweredFragment } from './lower.js';
import { EXIT, FRAGMENT, MICRO, MICRO_CONST, NO_FRAGMENT, WRITE } from './program-layout.js';

/**
 * Stage 7a, the program back end: each lowered fragment (lower.ts) as the words
 * kernels/compiled/program.wgsl runs (layout in program-layout.ts), and a listing
 * that names every source pc: the listing is what the snapshot tests review.
 */
export interface EncodedProgram {
  readonly words: Uint32Array;
  readonly listing: string;
}

/** The listing of one lowered fragment: title, source lines with their operations, exit. */
export function fragmentListing(l: LoweredFragment): string {
  const out = [fragmentTitle(l)];
  for (const line of l.lines) {
    if (line.source) out.push(`  ${line.source}`);
    for (const o of line.ops) out.push(`    ${describeOp(o)}`);
  }
  out.push(`  ${fragmentExit(l)}`);
  return out.join('\n');
}

function header(l: LoweredFragment): number[] {
  const f = l.fragment;
  const h = [
    f.stackRequired, f.stackMaxGrowth, f.staticGas, f.body.length, l.ops.length, l.writes.length, f.stackChange >>> 0,
    l.end, l.target, l.destReg, l.condReg, l.jumpPc, l.nextPc,
  ];
  if (h.length !== FRAGMENT.words) throw new Error('compiler: FRAGMENT layout and encoder disagree');
  return h;
}

export function encodeProgram(p: Program): EncodedProgram {
  const lowered = p.fragments.map((f) => lowerFragment(p, f));
  // Constants live in a pool after every fragment, so their offsets are known once the fragments are sized.
  let at = p.code.length;
  const offsets = lowered.map((l) => {
    const o = at;
    at += FRAGMENT.words + l.ops.length * MICRO.words + l.writes.length * WRITE.words;
    for (const o of l.ops) if (o.exit) at += EXIT.words + o.exit.writes.length * WRITE.words;
    return o;
  });
  const constCount = lowered.reduce((n, l) => n + l.ops.filter((o) => o.kind === MICRO_CONST).length, 0);
  const words = new Uint32Array(at + constCount * 8).fill(0);
  words.fill(NO_FRAGMENT, 0, p.code.length);
  let pool = at;
  lowered.forEach((l, i) => {
    words[p.fragments[i].start] = offsets[i];
    let w = offsets[i];
    for (const v of header(l)) words[w++] = v;
    // Side exits follow the fragment's write-back.
    let exitAt = w + l.ops.length * MICRO.words + l.writes.length * WRITE.words;
    for (const o of l.ops) {
      let a = o.a;
      if (o.kind === MICRO_CONST) {
        a = pool;
        for (let k = 0; k < 8; k++) words[pool++] = Number((o.value! >> BigInt(32 * k)) & 0xffffffffn);
      }
      let exit = 0;
      if (o.exit) {
        exit = exitAt;
        const e = o.exit;
        for (const v of [e.pc, e.gas, e.steps, e.change >>> 0, e.writes.length]) words[exitAt++] = v;
        for (const wb of e.writes) for (const v of [wb.off >>> 0, wb.reg]) words[exitAt++] = v;
      }
      for (const v of [o.kind, o.dst, a, o.b, exit]) words[w++] = v;
    }
    for (const wb of l.writes) for (const v of [wb.off >>> 0, wb.reg]) words[w++] = v;
  });
  return { words, listing: lowered.map(fragmentListing).join('\n\n') };
}
