import type { Fork } from '../model/fork.js';
import { OPCODES, opcodeTable } from './opcodes.js';

/**
 * Analysis done once per (code, fork) and shared by every transaction that runs the
 * code, on the GPU and in the compiler: the JUMPDEST bitmap, and per basic block the
 * static gas, the stack height it needs on entry and the most it grows. With those, a
 * kernel charges gas and checks the stack once per block instead of once per opcode
 * (evmone's "advanced" analysis). Charging a block up front is exact for the outcome
 * (running out of gas anywhere in a block consumes all gas and reverts the frame
 * either way), but GAS must add back the static gas of the opcodes after it in its
 * block, and dynamic costs are still charged where they occur.
 */
export interface BasicBlock {
  /** Offset of the block's first opcode. */
  readonly start: number;
  /** Offset just past the block's last opcode (and its immediates). */
  readonly end: number;
  /** Sum of the static gas of its opcodes. */
  readonly staticGas: number;
  /** Stack items that must be present on entry for no opcode in the block to underflow. */
  readonly stackRequired: number;
  /** Highest stack height above the entry height reached inside the block. */
  readonly stackMaxGrowth: number;
  /** Stack height change from entry to exit. */
  readonly stackChange: number;
}

export interface CodeAnalysis {
  /** Bit i set when offset i is a JUMPDEST opcode (not PUSH data). One bit per byte, packed in u32 words. */
  readonly jumpdests: Uint32Array;
  readonly blocks: readonly BasicBlock[];
  /** Whether any reachable-or-not opcode runs through the frame stack (CALL family, CREATE*, SELFDESTRUCT). */
  readonly usesFrames: boolean;
}

export function isJumpdest(bitmap: Uint32Array, offset: number): boolean {
  const w = offset >>> 5;
  return w < bitmap.length && ((bitmap[w] >>> (offset & 31)) & 1) === 1;
}

/** Ends a block: the next opcode can be reached other than by falling through, or not at all. */
function endsBlock(name: string, terminates: boolean): boolean {
  return terminates || name === 'JUMP' || name === 'JUMPI';
}

export function analyzeCode(code: Uint8Array, fork: Fork): CodeAnalysis {
  const table = opcodeTable(fork);
  const jumpdests = new Uint32Array(Math.ceil((code.length + 1) / 32));
  const blocks: BasicBlock[] = [];
  let usesFrames = false;

  let start = 0;
  let gas = 0;
  let height = 0; // relative to block entry
  let required = 0;
  let highest = 0;
  const close = (end: number) => {
    if (end > start) blocks.push({ start, end, staticGas: gas, stackRequired: required, stackMaxGrowth: highest, stackChange: height });
    start = end;
    gas = 0;
    height = 0;
    required = 0;
    highest = 0;
  };

  for (let pc = 0; pc < code.length; ) {
    const op = OPCODES[code[pc]];
    const defined = table.defined[op.code];
    // A JUMPDEST starts a block: jumps may land there.
    if (defined && op.name === 'JUMPDEST') {
      close(pc);
      jumpdests[pc >>> 5] |= 1 << (pc & 31);
    }
    if (defined) {
      if (op.exec === 'frame') usesFrames = true;
      gas += table.gas[op.code];
      required = Math.max(required, op.pops - height);
      height += op.pushes - op.pops;
      highest = Math.max(highest, height);
    }
    pc += 1 + (defined ? op.immediate : 0);
    // Undefined opcodes end execution like INVALID.
    if (!defined || endsBlock(op.name, op.terminates)) close(Math.min(pc, code.length));
  }
  close(code.length);
  return { jumpdests, blocks, usesFrames };
}
