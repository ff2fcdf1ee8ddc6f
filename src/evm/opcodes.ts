import { forkAtLeast, FORKS, type Fork } from '../model/fork.js';
import { gasAt } from './gas-schedule.js';

/**
 * The one opcode table. Every reader (the CPU-side checks, the WGSL emitter, the
 * interpreter kernel's constant tables, the docs) derives from it; nothing restates an
 * opcode's stack effect or gas elsewhere. All 256 byte values have a slot: undefined
 * bytes are explicit entries, and test/evm/opcodes.test.ts checks the table against
 * @ethereumjs/evm for every fork.
 */

/** Which family file implements the opcode (shaders/<family>.wgsl, interpreter case groups). */
export type OpFamily =
  | 'arithmetic' | 'compare' | 'bitwise' | 'keccak' | 'environment' | 'block' | 'stack' | 'memory'
  | 'storage' | 'transient' | 'control' | 'push' | 'dup' | 'swap' | 'log' | 'system';

/**
 * How the kernels run the opcode. `gpu`: within the running frame. `frame`: through
 * the frame stack (kernels/interpreter/frames.wgsl): it pushes a frame (the call
 * family, CREATE, CREATE2) or changes accounts other than the running one
 * (SELFDESTRUCT); a call to a precompile still ends the GPU invocation with
 * Outcome.NeedsHost. This is our own split: ethereumjs's async flag means something
 * else (ADDRESS is async there).
 */
export type Exec = 'gpu' | 'frame';

/**
 * How a compiled fragment runs the opcode itself (src/compiler/inline-ops.ts), or
 * absent: it ends the fragment and runs in the interpreter. Only opcodes that cannot
 * fail once the fragment's entry check passed are inline: static gas only, or, for
 * `guarded`, a quick case that costs exactly the static gas.
 * - `push`, `dup`, `swap`, `pop`, `pc`: stack renaming and constants, no WGSL at all;
 * - `nop`: JUMPDEST; `jump`, `jumpi`: the fragment's exit;
 * - `arith`: a call of the interpreter's arith_light (kernels/interpreter/arith.wgsl);
 * - `word`: a word of the call or the block, frame_word (kernels/compiled/fragment.wgsl);
 * - `guarded`: a whole aligned word of memory or calldata behind quick_ok, with a side
 *   exit to the interpreter otherwise (also fragment.wgsl).
 * The WGSL switches over `arith` and `word` opcodes are checked against this column
 * (test/compiler/inline-ops.test.ts); `guarded` opcodes are a generated predicate.
 */
export type InlineKind = 'push' | 'pc' | 'dup' | 'swap' | 'pop' | 'nop' | 'arith' | 'word' | 'jump' | 'jumpi' | 'guarded';

export interface OpcodeSpec {
  readonly code: number;
  readonly name: string;
  /** False for bytes no fork defines: they behave as INVALID. */
  readonly defined: boolean;
  readonly family: OpFamily | 'undefined';
  /** Bytes of immediate data after the opcode (PUSHn). */
  readonly immediate: number;
  readonly pops: number;
  readonly pushes: number;
  /** Static gas in the fork that introduced it; later changes are in GAS_DELTAS. */
  readonly gas: number;
  /** Whether a dynamic part (memory, copies, access lists, storage rules) is charged too. */
  readonly dynamicGas: boolean;
  readonly since: Fork;
  readonly exec: Exec;
  /** Ends the frame (STOP, RETURN, REVERT, INVALID, SELFDESTRUCT). */
  readonly terminates: boolean;
  /** Modifies state: forbidden in a static context (STATICCALL). */
  readonly writesState: boolean;
  /** How compiled fragments run it; undefined: in the interpreter. */
  readonly inline: InlineKind | undefined;
}

interface Def {
  name: string;
  family: OpFamily;
  pops: number;
  pushes: number;
  gas: number;
  since?: Fork;
  dynamicGas?: boolean;
  exec?: Exec;
  terminates?: boolean;
  writesState?: boolean;
  immediate?: number;
  inline?: InlineKind;
}

const DEFS: Record<number, Def> = {
  0x00: { name: 'STOP', family: 'control', pops: 0, pushes: 0, gas: 0, terminates: true },
  0x01: { name: 'ADD', family: 'arithmetic', pops: 2, pushes: 1, gas: 3, inline: 'arith' },
  0x02: { name: 'MUL', family: 'arithmetic', pops: 2, pushes: 1, gas: 5 },
  0x03: { name: 'SUB', family: 'arithmetic', pops: 2, pushes: 1, gas: 3, inline: 'arith' },
  0x04: { name: 'DIV', family: 'arithmetic', pops: 2, pushes: 1, gas: 5 },
  0x05: { name: 'SDIV', family: 'arithmetic', pops: 2, pushes: 1, gas: 5 },
  0x06: { name: 'MOD', family: 'arithmetic', pops: 2, pushes: 1, gas: 5 },
  0x07: { name: 'SMOD', family: 'arithmetic', pops: 2, pushes: 1, gas: 5 },
  0x08: { name: 'ADDMOD', family: 'arithmetic', pops: 3, pushes: 1, gas: 8 },
  0x09: { name: 'MULMOD', family: 'arithmetic', pops: 3, pushes: 1, gas: 8 },
  // Per exponent byte: 10 until EIP-160 (SpuriousDragon), 50 after.
  0x0a: { name: 'EXP', family: 'arithmetic', pops: 2, pushes: 1, gas: 10, dynamicGas: true },
  0x0b: { name: 'SIGNEXTEND', family: 'arithmetic', pops: 2, pushes: 1, gas: 5, inline: 'arith' },

  0x10: { name: 'LT', family: 'compare', pops: 2, pushes: 1, gas: 3, inline: 'arith' },
  0x11: { name: 'GT', family: 'compare', pops: 2, pushes: 1, gas: 3, inline: 'arith' },
  0x12: { name: 'SLT', family: 'compare', pops: 2, pushes: 1, gas: 3, inline: 'arith' },
  0x13: { name: 'SGT', family: 'compare', pops: 2, pushes: 1, gas: 3, inline: 'arith' },
  0x14: { name: 'EQ', family: 'compare', pops: 2, pushes: 1, gas: 3, inline: 'arith' },
  0x15: { name: 'ISZERO', family: 'compare', pops: 1, pushes: 1, gas: 3, inline: 'arith' },
  0x16: { name: 'AND', family: 'bitwise', pops: 2, pushes: 1, gas: 3, inline: 'arith' },
  0x17: { name: 'OR', family: 'bitwise', pops: 2, pushes: 1, gas: 3, inline: 'arith' },
  0x18: { name: 'XOR', family: 'bitwise', pops: 2, pushes: 1, gas: 3, inline: 'arith' },
  0x19: { name: 'NOT', family: 'bitwise', pops: 1, pushes: 1, gas: 3, inline: 'arith' },
  0x1a: { name: 'BYTE', family: 'bitwise', pops: 2, pushes: 1, gas: 3, inline: 'arith' },
  0x1b: { name: 'SHL', family: 'bitwise', pops: 2, pushes: 1, gas: 3, since: 'Constantinople', inline: 'arith' }, // EIP-145
  0x1c: { name: 'SHR', family: 'bitwise', pops: 2, pushes: 1, gas: 3, since: 'Constantinople', inline: 'arith' }, // EIP-145
  0x1d: { name: 'SAR', family: 'bitwise', pops: 2, pushes: 1, gas: 3, since: 'Constantinople', inline: 'arith' }, // EIP-145

  0x20: { name: 'KECCAK256', family: 'keccak', pops: 2, pushes: 1, gas: 30, dynamicGas: true },

  0x30: { name: 'ADDRESS', family: 'environment', pops: 0, pushes: 1, gas: 2, inline: 'word' },
  0x31: { name: 'BALANCE', family: 'environment', pops: 1, pushes: 1, gas: 20, dynamicGas: true },
  0x32: { name: 'ORIGIN', family: 'environment', pops: 0, pushes: 1, gas: 2, inline: 'word' },
  0x33: { name: 'CALLER', family: 'environment', pops: 0, pushes: 1, gas: 2, inline: 'word' },
  0x34: { name: 'CALLVALUE', family: 'environment', pops: 0, pushes: 1, gas: 2, inline: 'word' },
  0x35: { name: 'CALLDATALOAD', family: 'environment', pops: 1, pushes: 1, gas: 3, inline: 'guarded' },
  0x36: { name: 'CALLDATASIZE', family: 'environment', pops: 0, pushes: 1, gas: 2, inline: 'word' },
  0x37: { name: 'CALLDATACOPY', family: 'environment', pops: 3, pushes: 0, gas: 3, dynamicGas: true },
  0x38: { name: 'CODESIZE', family: 'environment', pops: 0, pushes: 1, gas: 2, inline: 'word' },
  0x39: { name: 'CODECOPY', family: 'environment', pops: 3, pushes: 0, gas: 3, dynamicGas: true },
  0x3a: { name: 'GASPRICE', family: 'environment', pops: 0, pushes: 1, gas: 2, inline: 'word' },
  0x3b: { name: 'EXTCODESIZE', family: 'environment', pops: 1, pushes: 1, gas: 20, dynamicGas: true },
  0x3c: { name: 'EXTCODECOPY', family: 'environment', pops: 4, pushes: 0, gas: 20, dynamicGas: true },
  0x3d: { name: 'RETURNDATASIZE', family: 'environment', pops: 0, pushes: 1, gas: 2, since: 'Byzantium' }, // EIP-211
  0x3e: { name: 'RETURNDATACOPY', family: 'environment', pops: 3, pushes: 0, gas: 3, since: 'Byzantium', dynamicGas: true }, // EIP-211
  0x3f: { name: 'EXTCODEHASH', family: 'environment', pops: 1, pushes: 1, gas: 400, since: 'Constantinople', dynamicGas: true }, // EIP-1052

  0x40: { name: 'BLOCKHASH', family: 'block', pops: 1, pushes: 1, gas: 20 },
  0x41: { name: 'COINBASE', family: 'block', pops: 0, pushes: 1, gas: 2, inline: 'word' },
  0x42: { name: 'TIMESTAMP', family: 'block', pops: 0, pushes: 1, gas: 2, inline: 'word' },
  0x43: { name: 'NUMBER', family: 'block', pops: 0, pushes: 1, gas: 2, inline: 'word' },
  // DIFFICULTY until Paris, PREVRANDAO after (EIP-4399): same slot, same cost.
  0x44: { name: 'PREVRANDAO', family: 'block', pops: 0, pushes: 1, gas: 2, inline: 'word' },
  0x45: { name: 'GASLIMIT', family: 'block', pops: 0, pushes: 1, gas: 2, inline: 'word' },
  0x46: { name: 'CHAINID', family: 'block', pops: 0, pushes: 1, gas: 2, since: 'Istanbul', inline: 'word' }, // EIP-1344
  0x47: { name: 'SELFBALANCE', family: 'block', pops: 0, pushes: 1, gas: 5, since: 'Istanbul' }, // EIP-1884
  0x48: { name: 'BASEFEE', family: 'block', pops: 0, pushes: 1, gas: 2, since: 'London', inline: 'word' }, // EIP-3198
  0x49: { name: 'BLOBHASH', family: 'block', pops: 1, pushes: 1, gas: 3, since: 'Cancun' }, // EIP-4844
  0x4a: { name: 'BLOBBASEFEE', family: 'block', pops: 0, pushes: 1, gas: 2, since: 'Cancun', inline: 'word' }, // EIP-7516

  0x50: { name: 'POP', family: 'stack', pops: 1, pushes: 0, gas: 2, inline: 'pop' },
  0x51: { name: 'MLOAD', family: 'memory', pops: 1, pushes: 1, gas: 3, dynamicGas: true, inline: 'guarded' },
  0x52: { name: 'MSTORE', family: 'memory', pops: 2, pushes: 0, gas: 3, dynamicGas: true, inline: 'guarded' },
  0x53: { name: 'MSTORE8', family: 'memory', pops: 2, pushes: 0, gas: 3, dynamicGas: true },
  0x54: { name: 'SLOAD', family: 'storage', pops: 1, pushes: 1, gas: 50, dynamicGas: true },
  // All of SSTORE's cost is dynamic (EIP-2200 / EIP-2929 / EIP-3529 rules from original values).
  0x55: { name: 'SSTORE', family: 'storage', pops: 2, pushes: 0, gas: 0, dynamicGas: true, writesState: true },
  0x56: { name: 'JUMP', family: 'control', pops: 1, pushes: 0, gas: 8, inline: 'jump' },
  0x57: { name: 'JUMPI', family: 'control', pops: 2, pushes: 0, gas: 10, inline: 'jumpi' },
  0x58: { name: 'PC', family: 'control', pops: 0, pushes: 1, gas: 2, inline: 'pc' },
  0x59: { name: 'MSIZE', family: 'memory', pops: 0, pushes: 1, gas: 2, inline: 'word' },
  0x5a: { name: 'GAS', family: 'control', pops: 0, pushes: 1, gas: 2 },
  0x5b: { name: 'JUMPDEST', family: 'control', pops: 0, pushes: 0, gas: 1, inline: 'nop' },
  0x5c: { name: 'TLOAD', family: 'transient', pops: 1, pushes: 1, gas: 100, since: 'Cancun' }, // EIP-1153
  0x5d: { name: 'TSTORE', family: 'transient', pops: 2, pushes: 0, gas: 100, since: 'Cancun', writesState: true }, // EIP-1153
  0x5e: { name: 'MCOPY', family: 'memory', pops: 3, pushes: 0, gas: 3, since: 'Cancun', dynamicGas: true }, // EIP-5656
  0x5f: { name: 'PUSH0', family: 'push', pops: 0, pushes: 1, gas: 2, since: 'Shanghai', inline: 'push' }, // EIP-3855

  0xf0: { name: 'CREATE', family: 'system', pops: 3, pushes: 1, gas: 32000, dynamicGas: true, exec: 'frame', writesState: true },
  0xf1: { name: 'CALL', family: 'system', pops: 7, pushes: 1, gas: 40, dynamicGas: true, exec: 'frame' },
  0xf2: { name: 'CALLCODE', family: 'system', pops: 7, pushes: 1, gas: 40, dynamicGas: true, exec: 'frame' },
  0xf3: { name: 'RETURN', family: 'control', pops: 2, pushes: 0, gas: 0, dynamicGas: true, terminates: true },
  0xf4: { name: 'DELEGATECALL', family: 'system', pops: 6, pushes: 1, gas: 40, since: 'Homestead', dynamicGas: true, exec: 'frame' }, // EIP-7
  0xf5: { name: 'CREATE2', family: 'system', pops: 4, pushes: 1, gas: 32000, since: 'Constantinople', dynamicGas: true, exec: 'frame', writesState: true }, // EIP-1014
  0xfa: { name: 'STATICCALL', family: 'system', pops: 6, pushes: 1, gas: 700, since: 'Byzantium', dynamicGas: true, exec: 'frame' }, // EIP-214
  0xfd: { name: 'REVERT', family: 'control', pops: 2, pushes: 0, gas: 0, since: 'Byzantium', dynamicGas: true, terminates: true }, // EIP-140
  // The designated invalid opcode: consumes all gas in every fork.
  0xfe: { name: 'INVALID', family: 'control', pops: 0, pushes: 0, gas: 0, terminates: true },
  0xff: { name: 'SELFDESTRUCT', family: 'system', pops: 1, pushes: 0, gas: 0, dynamicGas: true, exec: 'frame', terminates: true, writesState: true },
};

// PUSHn, DUPn, SWAPn and LOGn are one parameterised family each, not 32 hand-written rows.
for (let n = 1; n <= 32; n++) DEFS[0x5f + n] = { name: `PUSH${n}`, family: 'push', pops: 0, pushes: 1, gas: 3, immediate: n, inline: 'push' };
for (let n = 1; n <= 16; n++) DEFS[0x7f + n] = { name: `DUP${n}`, family: 'dup', pops: n, pushes: n + 1, gas: 3, inline: 'dup' };
for (let n = 1; n <= 16; n++) DEFS[0x8f + n] = { name: `SWAP${n}`, family: 'swap', pops: n + 1, pushes: n + 1, gas: 3, inline: 'swap' };
// The topics' cost is fixed per opcode, so it is static here (ethereumjs charges it as dynamic gas).
const LOG_GAS = gasAt('log', 'Frontier')!;
const LOG_TOPIC_GAS = gasAt('logTopic', 'Frontier')!;
for (let n = 0; n <= 4; n++) {
  DEFS[0xa0 + n] = { name: `LOG${n}`, family: 'log', pops: n + 2, pushes: 0, gas: LOG_GAS + n * LOG_TOPIC_GAS, dynamicGas: true, writesState: true };
}

/** Every byte, 0x00..0xff, in order. */
export const OPCODES: readonly OpcodeSpec[] = Array.from({ length: 256 }, (_, code): OpcodeSpec => {
  const d = DEFS[code];
  if (!d) {
    const hex = code.toString(16).padStart(2, '0');
    return {
      code, name: `UNDEFINED_0x${hex}`, defined: false, family: 'undefined', immediate: 0, pops: 0, pushes: 0,
      gas: 0, dynamicGas: false, since: 'Frontier', exec: 'gpu', terminates: true, writesState: false, inline: undefined,
    };
  }
  return {
    code,
    name: d.name,
    defined: true,
    family: d.family,
    immediate: d.immediate ?? 0,
    pops: d.pops,
    pushes: d.pushes,
    gas: d.gas,
    dynamicGas: d.dynamicGas ?? false,
    since: d.since ?? 'Frontier',
    exec: d.exec ?? 'gpu',
    terminates: d.terminates ?? false,
    writesState: d.writesState ?? false,
    inline: d.inline,
  };
});

export const OPCODE_BY_NAME: ReadonlyMap<string, OpcodeSpec> = new Map(OPCODES.filter((o) => o.defined).map((o) => [o.name, o]));

/** A fork's change to static gas, tagged with the EIP that made it. */
export interface GasDelta {
  readonly eip: string;
  readonly fork: Fork;
  readonly gas: Readonly<Record<string, number>>;
}

export const GAS_DELTAS: readonly GasDelta[] = [
  {
    eip: 'EIP-150', fork: 'TangerineWhistle',
    gas: { BALANCE: 400, EXTCODESIZE: 700, EXTCODECOPY: 700, SLOAD: 200, CALL: 700, CALLCODE: 700, DELEGATECALL: 700, SELFDESTRUCT: 5000 },
  },
  { eip: 'EIP-1884', fork: 'Istanbul', gas: { BALANCE: 700, SLOAD: 800, EXTCODEHASH: 700 } },
  // Static part becomes the warm cost; the cold surcharge is dynamic.
  {
    eip: 'EIP-2929', fork: 'Berlin',
    gas: Object.fromEntries(
      ['BALANCE', 'EXTCODESIZE', 'EXTCODECOPY', 'EXTCODEHASH', 'SLOAD', 'CALL', 'CALLCODE', 'DELEGATECALL', 'STATICCALL']
        .map((name) => [name, gasAt('warmStorageRead', 'Berlin')!]),
    ),
  },
];

/** Whether `op` exists at `fork` (undefined bytes never do). */
export function isDefinedAt(op: OpcodeSpec, fork: Fork): boolean {
  return op.defined && forkAtLeast(fork, op.since);
}

/** Static gas of `op` at `fork`, after every delta up to that fork. */
export function staticGas(op: OpcodeSpec, fork: Fork): number {
  let gas = op.gas;
  for (const d of GAS_DELTAS) if (forkAtLeast(fork, d.fork) && d.gas[op.name] !== undefined) gas = d.gas[op.name];
  return gas;
}

/** The opcode table as one fork sees it: per byte, defined-ness and static gas. */
export interface ForkOpcodeTable {
  readonly fork: Fork;
  readonly defined: readonly boolean[];
  readonly gas: readonly number[];
}

const TABLES = new Map<Fork, ForkOpcodeTable>(
  FORKS.map((fork) => [fork, {
    fork,
    defined: OPCODES.map((o) => isDefinedAt(o, fork)),
    gas: OPCODES.map((o) => (isDefinedAt(o, fork) ? staticGas(o, fork) : 0)),
  }]),
);

export function opcodeTable(fork: Fork): ForkOpcodeTable {
  return TABLES.get(fork)!;
}
