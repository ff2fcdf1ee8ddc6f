import { OPCODES, opcodeTable, type OpcodeSpec } from '../evm/opcodes.js';
import type { Fork } from '../model/fork.js';

/**
 * Stage 1: decode. One instruction per opcode position, as the interpreter walks the
 * code: PUSH data is skipped, a PUSH cut off by the end of the code reads zeros past
 * it (its value is right-padded), and bytes the fork does not define are instructions
 * too (they fail as INVALID when run).
 */
export interface Instruction {
  readonly pc: number;
  readonly op: OpcodeSpec;
  /** Whether the fork defines the opcode. */
  readonly defined: boolean;
  /** Static gas at the fork (0 when undefined). */
  readonly gas: number;
  /** PUSHn's value; undefined for every other opcode. */
  readonly push?: bigint;
  /** The pc of the next instruction (may exceed the code length after a cut-off PUSH). */
  readonly next: number;
}

export function decode(code: Uint8Array, fork: Fork): Instruction[] {
  const table = opcodeTable(fork);
  const out: Instruction[] = [];
  for (let pc = 0; pc < code.length; ) {
    const op = OPCODES[code[pc]];
    const defined = table.defined[op.code];
    const n = defined ? op.immediate : 0;
    let push: bigint | undefined;
    if (defined && op.family === 'push') {
      push = 0n;
      for (let j = 0; j < n; j++) push = (push << 8n) | BigInt(code[pc + 1 + j] ?? 0);
    }
    out.push({ pc, op, defined, gas: defined ? table.gas[op.code] : 0, push, next: pc + 1 + n });
    pc += 1 + n;
  }
  return out;
}
