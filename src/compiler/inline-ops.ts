import type { OpcodeSpec } from '../evm/opcodes.js';

/**
 * Which opcodes a compiled fragment runs itself, and how; every other opcode runs in
 * the interpreter (one step, from the kernel's single interpret_one site). An inline
 * opcode has only static gas and cannot fail once its fragment's entry check passed
 * (JUMP and JUMPI may still fail on their target, at the fragment's end). Costs and
 * stack effects are not restated here: they come from src/evm/opcodes.ts.
 */
export type InlineOp =
  | { readonly kind: 'push' }
  | { readonly kind: 'pc' }
  | { readonly kind: 'dup'; readonly n: number }
  | { readonly kind: 'swap'; readonly n: number }
  | { readonly kind: 'pop' }
  | { readonly kind: 'nop' }
  /** ADD, SUB, SIGNEXTEND, 0x10..0x1d: the interpreter's own arith_light() over the popped items. */
  | { readonly kind: 'arith'; readonly arity: number }
  /** A word of the call or the block, read as the interpreter's execute() reads it. */
  | { readonly kind: 'word' }
  | { readonly kind: 'jump' }
  | { readonly kind: 'jumpi' }
  /**
   * MLOAD, MSTORE, CALLDATALOAD: inline when the word is aligned and already in memory
   * (or in the calldata), the case that costs exactly 3 gas and cannot fail; otherwise a
   * side exit hands the opcode to the interpreter with the state it would have there.
   */
  | { readonly kind: 'guarded'; readonly produces: boolean };

/** Call and block words (frame_word in kernels/compiled/fast.wgsl); SELFBALANCE and BLOCKHASH are not: they record reads or take an operand. */
const WORDS = new Set(['ADDRESS', 'ORIGIN', 'CALLER', 'CALLVALUE', 'GASPRICE', 'CALLDATASIZE', 'CODESIZE', 'MSIZE',
  'COINBASE', 'TIMESTAMP', 'NUMBER', 'PREVRANDAO', 'GASLIMIT', 'CHAINID', 'BASEFEE', 'BLOBBASEFEE']);

/** Word-sized memory and calldata reads and writes (quick_ok in kernels/compiled/fragment.wgsl says when they run inline). */
const GUARDED = new Set(['MLOAD', 'MSTORE', 'CALLDATALOAD']);

/** What arith_light (kernels/interpreter/arith.wgsl) computes: MUL, DIV and the rest keep the interpreter's one copy of the multiplier and divider. */
const ARITH_LIGHT = new Set(['ADD', 'SUB', 'SIGNEXTEND', 'LT', 'GT', 'SLT', 'SGT', 'EQ', 'ISZERO', 'AND', 'OR', 'XOR', 'NOT', 'BYTE', 'SHL', 'SHR', 'SAR']);

function rule(op: OpcodeSpec): InlineOp | undefined {
  if (op.family === 'push') return { kind: 'push' };
  if (op.family === 'dup') return { kind: 'dup', n: op.pops };
  if (op.family === 'swap') return { kind: 'swap', n: op.pops - 1 };
  if (op.name === 'POP') return { kind: 'pop' };
  if (op.name === 'JUMPDEST') return { kind: 'nop' };
  if (op.name === 'PC') return { kind: 'pc' };
  if (op.name === 'JUMP') return { kind: 'jump' };
  if (op.name === 'JUMPI') return { kind: 'jumpi' };
  if (WORDS.has(op.name)) return { kind: 'word' };
  if (ARITH_LIGHT.has(op.name)) return { kind: 'arith', arity: op.pops };
  return undefined;
}

/**
 * The inline rule for an opcode, or undefined when it runs in the interpreter.
 * Undefined bytes and opcodes with dynamic gas or host execution never inline.
 */
export function inlineRule(op: OpcodeSpec, defined: boolean): InlineOp | undefined {
  if (defined && GUARDED.has(op.name)) return { kind: 'guarded', produces: op.pushes > 0 };
  if (!defined || op.dynamicGas || op.exec !== 'gpu' || op.terminates) return undefined;
  return rule(op);
}

/** Whether the instruction leaves a new value on the stack (a register to allocate). */
export function producesValue(r: InlineOp): boolean {
  return r.kind === 'push' || r.kind === 'pc' || r.kind === 'arith' || r.kind === 'word' || (r.kind === 'guarded' && r.produces);
}
