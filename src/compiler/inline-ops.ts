import type { OpcodeSpec } from '../evm/opcodes.js';

/**
 * Which opcodes a compiled fragment runs itself, and how; every other opcode runs in
 * the interpreter (one step, from the kernel's single interpret_one site). An inline
 * opcode has only static gas and cannot fail once its fragment's entry check passed
 * (JUMP and JUMPI may still fail on their target, at the fragment's end). Which
 * opcodes inline, their costs and stack effects are not restated here: they come from
 * src/evm/opcodes.ts (its `inline` column).
 */
export type InlineOp =
  | { readonly kind: 'push' }
  | { readonly kind: 'pc' }
  | { readonly kind: 'dup'; readonly n: number }
  | { readonly kind: 'swap'; readonly n: number }
  | { readonly kind: 'pop' }
  | { readonly kind: 'nop' }
  /** ADD, SUB, SIGNEXTEND, LT..SAR: the interpreter's own arith_light() over the popped items. */
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

/**
 * The inline rule for an opcode, from the opcode table's `inline` column
 * (src/evm/opcodes.ts), or undefined when it runs in the interpreter. Undefined bytes
 * never inline.
 */
export function inlineRule(op: OpcodeSpec, defined: boolean): InlineOp | undefined {
  if (!defined) return undefined;
  switch (op.inline) {
    case undefined: return undefined;
    case 'dup': return { kind: 'dup', n: op.pops };
    case 'swap': return { kind: 'swap', n: op.pops - 1 };
    case 'arith': return { kind: 'arith', arity: op.pops };
    case 'guarded': return { kind: 'guarded', produces: op.pushes > 0 };
    default: return { kind: op.inline };
  }
}

/** Whether the instruction leaves a new value on the stack (a register to allocate). */
export function producesValue(r: InlineOp): boolean {
  return r.kind === 'push' || r.kind === 'pc' || r.kind === 'arith' || r.kind === 'word' || (r.kind === 'guarded' && r.produces);
}
