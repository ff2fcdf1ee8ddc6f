import { layoutWgsl, wordLayout } from '../gpu/layout.js';

/**
 * The compiled program of one code, as the kernel reads it from the blob: first one
 * word per code byte (the fragment starting there, as an offset into the program, or
 * NO_FRAGMENT), then the fragments (each followed by its side exits), then a pool of
 * 8-word constants. Declared once
 * here; the WGSL constants are generated from it, as for src/gpu/layout.ts.
 */
export const FRAGMENT = wordLayout('FRAGMENT', {
  required: 1,
  growth: 1,
  gas: 1,
  steps: 1,
  ops: 1,
  writes: 1,
  /** Net stack change, as i32 bits. */
  change: 1,
  /** END_* below. */
  end: 1,
  /** FALL/STEP: where execution goes on; JUMP/JUMPI: the folded target, TARGET_BAD or TARGET_DYNAMIC. */
  target: 1,
  destReg: 1,
  condReg: 1,
  /** The JUMP or JUMPI's own pc (an invalid jump reports it). */
  jumpPc: 1,
  /** JUMPI not taken: the next pc. */
  nextPc: 1,
});

/** One register operation: dst = kind(a, b); `exit`: a guarded opcode's EXIT record (program offset). */
export const MICRO = wordLayout('MICRO', { kind: 1, dst: 1, a: 1, b: 1, exit: 1 });

/** A guarded opcode's side exit (lower.ts SideExit), followed by `writes` WRITE records. */
export const EXIT = wordLayout('EXIT', { pc: 1, gas: 1, steps: 1, change: 1, writes: 1 });

/** One write-back: register `reg` to the stack slot `off` (i32 bits) items from the entry height. */
export const WRITE = wordLayout('WRITE', { off: 1, reg: 1 });

export const END_FALL = 0;
export const END_STEP = 1;
export const END_JUMP = 2;
export const END_JUMPI = 3;
export const TARGET_BAD = 0xffffffff;
export const TARGET_DYNAMIC = 0xfffffffe;
export const NO_FRAGMENT = 0xffffffff;
/** MICRO kind: load the constant at pool offset `a`; kinds below 0x100 are opcodes. */
export const MICRO_CONST = 0x100;
/**
 * Entry items, write-back items and new values of one fragment, at most; a fragment is
 * cut before an instruction that would exceed them. Registers per invocation: entry
 * items first, then constants and results. The register file is private memory indexed
 * at run time, which lavapipe keeps per SIMD lane: with 64 registers an ERC-20
 * transfer ran slower through fragments than through the interpreter, with 32 faster.
 */
export const FAST_ITEMS = 16;
export const REGISTERS = 2 * FAST_ITEMS;

export function programLayoutWgsl(): string {
  return [
    '// Generated from src/compiler/program-layout.ts.',
    layoutWgsl(FRAGMENT),
    layoutWgsl(MICRO),
    layoutWgsl(WRITE),
    layoutWgsl(EXIT),
    `const END_FALL: u32 = ${END_FALL}u;`,
    `const END_STEP: u32 = ${END_STEP}u;`,
    `const END_JUMP: u32 = ${END_JUMP}u;`,
    `const END_JUMPI: u32 = ${END_JUMPI}u;`,
    `const TARGET_BAD: u32 = ${TARGET_BAD}u;`,
    `const TARGET_DYNAMIC: u32 = ${TARGET_DYNAMIC}u;`,
    `const NO_FRAGMENT: u32 = ${NO_FRAGMENT}u;`,
    `const MICRO_CONST: u32 = ${MICRO_CONST}u;`,
    `const REGISTERS: u32 = ${REGISTERS}u;`,
  ].join('\n');
}
