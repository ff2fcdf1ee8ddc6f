import { KECCAK256_NULL } from '@ethereumjs/util';
import { EVM_BYTES, KERNEL_EIP_LIST, KERNEL_PRECOMPILES, eipActive, lastPrecompile } from '../evm/eips.js';
import { GAS_NAMES, gasAt, gasHistory, LIMIT_NAMES, type GasName } from '../evm/gas-schedule.js';
import { DELEGATION_PREFIX } from '../evm/tx-rules.js';
import { OPCODES, opcodeTable, staticGas, type InlineKind, type OpcodeSpec } from '../evm/opcodes.js';
import { Outcome } from '../evm/outcome.js';
import { FORKS, forkIndex, type Fork } from '../model/fork.js';
import { bindingsWgsl } from './bindings.js';
import { flagsWgsl, LAYOUTS, layoutWgsl } from './layout.js';
import { kernelsRoot, linkWgslSource, shadersRoot } from './wgsl-linker.js';

/**
 * Builds the interpreter kernel's source: generated declarations (outcome numbers,
 * buffer layouts and bindings, opcode constants, the per-fork opcode table, the
 * dynamic-gas schedule, the inline opcodes' selectors) followed by
 * kernels/interpreter/main.wgsl and everything it requires from kernels/ and shaders/.
 * Nothing the WGSL needs from the TypeScript side is restated by hand: no kernel file
 * holds an opcode byte or a gas amount.
 */

/** The forks the kernel runs: EIP-2929 access costs are assumed throughout. */
export const GPU_FORKS: readonly Fork[] = FORKS.slice(forkIndex('Berlin'));

export function isGpuFork(fork: Fork): boolean {
  return GPU_FORKS.includes(fork);
}

/** Row of `fork` in the generated opcode table. */
export function forkRow(fork: Fork): number {
  const row = GPU_FORKS.indexOf(fork);
  if (row < 0) throw new RangeError(`the GPU interpreter runs ${GPU_FORKS[0]}..${GPU_FORKS[GPU_FORKS.length - 1]}, not ${fork}`);
  return row;
}

/**
 * Stack items the reference's dynamic-gas rule reads before any gas is charged: a
 * shorter stack underflows before running out of gas. It is every item the opcode
 * pops, except where @ethereumjs/evm's opcodes/gas.ts peeks fewer: MSTORE and MSTORE8
 * size memory from the offset alone, LOGn from offset and length before its topics.
 */
function dynamicGasPeek(op: OpcodeSpec): number {
  if (!op.dynamicGas) return 0;
  if (op.name === 'MSTORE' || op.name === 'MSTORE8') return 1;
  if (op.family === 'log') return 2;
  return op.pops;
}

/** Bit layout of one opcode-table word. */
export const OPINFO = {
  gasMask: 0xffff,
  popsShift: 16,
  pushesShift: 21,
  defined: 1 << 26,
  dynamic: 1 << 27,
  /** Changes state: fails in a static frame (STATICCALL). */
  writes: 1 << 28,
  peekShift: 29,
} as const;

export function opcodeInfo(op: OpcodeSpec, fork: Fork): number {
  const table = opcodeTable(fork);
  if (!table.defined[op.code]) return 0;
  const gas = table.gas[op.code];
  if (gas > OPINFO.gasMask) throw new RangeError(`${op.name} static gas ${gas} does not fit the opcode table`);
  const peek = dynamicGasPeek(op);
  return (
    (gas |
      (op.pops << OPINFO.popsShift) |
      (op.pushes << OPINFO.pushesShift) |
      OPINFO.defined |
      (op.dynamicGas ? OPINFO.dynamic : 0) |
      (op.writesState ? OPINFO.writes : 0) |
      (peek << OPINFO.peekShift)) >>>
    0
  );
}

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

function outcomeWgsl(): string {
  return Object.entries(Outcome)
    .map(([name, code]) => `const OUTCOME_${snake(name)}: u32 = ${code}u;`)
    .join('\n');
}

function opcodeTableWgsl(): string {
  const rows = GPU_FORKS.map((fork) => {
    const words = OPCODES.map((op) => `${opcodeInfo(op, fork)}u`);
    const lines: string[] = [];
    for (let i = 0; i < words.length; i += 16) lines.push(`  ${words.slice(i, i + 16).join(', ')},`);
    return `  // ${fork}\n${lines.join('\n')}`;
  });
  return [
    `const OPINFO_GAS_MASK: u32 = ${OPINFO.gasMask}u;`,
    `const OPINFO_POPS_SHIFT: u32 = ${OPINFO.popsShift}u;`,
    `const OPINFO_PUSHES_SHIFT: u32 = ${OPINFO.pushesShift}u;`,
    `const OPINFO_DEFINED: u32 = ${OPINFO.defined}u;`,
    `const OPINFO_DYNAMIC: u32 = ${OPINFO.dynamic}u;`,
    `const OPINFO_WRITES: u32 = ${OPINFO.writes}u;`,
    `const OPINFO_PEEK_SHIFT: u32 = ${OPINFO.peekShift}u;`,
    `// One row of 256 words per fork, ${GPU_FORKS.join(', ')}: static gas, stack pops and`,
    '// pushes, defined / dynamic-gas / state-changing flags, and the items dynamic gas peeks.',
    `const OPCODE_INFO = array<u32, ${256 * GPU_FORKS.length}>(`,
    ...rows,
    ');',
  ].join('\n');
}

/** `const OP_ADD: u32 = 0x01u;` for every defined opcode: kernels name opcodes, never write their bytes. */
export function opcodeConstantsWgsl(): string {
  return OPCODES.filter((op) => op.defined).map((op) => `const OP_${op.name}: u32 = 0x${op.code.toString(16).padStart(2, '0')}u;`).join('\n');
}

const historyComment = (name: GasName) => gasHistory(name).map((h) => `${h.eip}${h.eip === 'Yellow Paper' ? '' : ` (${h.fork})`} ${h.value}`).join(', ');

/**
 * The dynamic-gas constants and limits (src/evm/gas-schedule.ts), commented with the
 * EIPs that set them. One that is the same at every GPU fork is a constant, which
 * costs the kernel nothing; one that differs between them is a row per fork, indexed
 * like OPCODE_INFO by PARAMS_FORK_ROW (`GAS_<NAME>_BY_FORK`), so a kernel that assumed
 * it constant fails to compile rather than charging one fork's value at another. A
 * value introduced after Berlin is 0 in the rows before (EIP-3860's init code charge
 * and limit: no charge, no limit). Limits are `LIMIT_<NAME>`.
 */
export function gasScheduleWgsl(): string {
  const lines = [`// Dynamic gas and limits, ${GPU_FORKS[0]}..${GPU_FORKS[GPU_FORKS.length - 1]}: the EIPs that set each value, and its value since.`];
  for (const name of GAS_NAMES) {
    const values = GPU_FORKS.map((fork) => gasAt(name, fork) ?? 0);
    const wgsl = `${LIMIT_NAMES.has(name) ? 'LIMIT' : 'GAS'}_${snake(name)}`;
    if (values.every((v) => v === values[0])) {
      lines.push(`const ${wgsl}: u32 = ${values[0]}u; // ${historyComment(name)}`);
    } else {
      lines.push(`// ${historyComment(name)}`, `const ${wgsl}_BY_FORK = array<u32, ${GPU_FORKS.length}>(${values.map((v) => `${v}u`).join(', ')});`);
    }
  }
  return lines.join('\n');
}

/** A constant u256 as its eight limbs, least significant first. */
function u256Literal(bytes: Uint8Array): string {
  const limbs = Array.from({ length: 8 }, (_, k) => {
    let w = 0;
    for (let j = 0; j < 4; j++) w = (w << 8) | (bytes[32 - 4 * k - 4 + j] ?? 0);
    return `0x${(w >>> 0).toString(16)}u`;
  });
  return `u256(${limbs.join(', ')})`;
}

/**
 * The fork rules the kernels branch on (src/evm/eips.ts): one bit per EIP, a mask per
 * fork row; the last precompile address per fork row; the byte values EVM rules name
 * and the hash of empty code.
 */
export function forkRulesWgsl(): string {
  const bits = KERNEL_EIP_LIST.map((eip, i) => `const EIP_${eip}: u32 = ${1 << i}u; // from ${GPU_FORKS.find((f) => eipActive(eip, f))}`);
  const masks = GPU_FORKS.map((fork) => KERNEL_EIP_LIST.reduce((m, eip, i) => m | (eipActive(eip, fork) ? 1 << i : 0), 0));
  return [
    '// Fork rules: which of the EIPs below each GPU fork has (a mask per fork row), and its last precompile.',
    ...bits,
    `const EIPS_BY_FORK = array<u32, ${GPU_FORKS.length}>(${masks.map((m) => `${m}u`).join(', ')});`,
    `const PRECOMPILE_LAST_BY_FORK = array<u32, ${GPU_FORKS.length}>(${GPU_FORKS.map((f) => `${lastPrecompile(f)}u`).join(', ')});`,
    ...Object.entries(KERNEL_PRECOMPILES).map(([name, address]) => `const PRECOMPILE_${snake(name)}: u32 = ${address}u;`),
    ...Object.entries(EVM_BYTES).map(([name, v]) => `const BYTE_${snake(name)}: u32 = ${v}u;`),
    `// EIP-7702: a delegation designator is ${DELEGATION_PREFIX.length} bytes of prefix and a 20-byte address.`,
    `const DELEGATION_LEN: u32 = ${DELEGATION_PREFIX.length + 20}u;`,
    '// keccak256 of empty code: EXTCODEHASH of an existing account without code.',
    `const KECCAK_EMPTY = ${u256Literal(KECCAK256_NULL)};`,
  ].join('\n');
}

function inlineOps(kind: InlineKind): OpcodeSpec[] {
  return OPCODES.filter((op) => op.inline === kind);
}

/**
 * Selectors of the opcodes compiled fragments run inline (the opcode table's `inline`
 * column), for the dispatch in kernels/compiled/: which opcodes have a quick case, the
 * opcode range of arith_light, and what a quick case costs. Checked here, so a table
 * that breaks the dispatch's assumptions fails to generate.
 */
function inlineSelectorsWgsl(): string {
  const guarded = inlineOps('guarded');
  const arith = inlineOps('arith');
  const last = arith[arith.length - 1];
  const above = [...inlineOps('word'), ...guarded].filter((op) => op.code <= last.code);
  if (above.length) throw new Error(`opcode table: ${above.map((o) => o.name).join(', ')} would dispatch as arith_light (at most ${last.name})`);
  const gas = new Set(GPU_FORKS.flatMap((fork) => guarded.map((op) => staticGas(op, fork))));
  if (gas.size !== 1) throw new Error('opcode table: the guarded opcodes must cost the same static gas at every GPU fork');
  return [
    '// The opcodes compiled fragments run inline behind quick_ok (`guarded` in the opcode table).',
    'fn inline_guarded(op: u32) -> bool {',
    `  return ${guarded.map((op) => `op == OP_${op.name}`).join(' || ')};`,
    '}',
    '// Every `arith` opcode is at most this, every `word` and `guarded` one above it.',
    `const INLINE_ARITH_LAST: u32 = OP_${last.name};`,
    '// The static gas of every guarded opcode, at every GPU fork: all its quick case costs.',
    `const INLINE_GUARDED_GAS: u32 = ${[...gas][0]}u;`,
  ].join('\n');
}

/**
 * Whether the kernel runs nested frames (the call family, CREATE, CREATE2,
 * SELFDESTRUCT). Only a contract kernel whose code has no such opcode is built
 * without: it can never push a frame, and lavapipe compiles it in a fraction of the
 * time, since the frame code folds away.
 */
function kernelFramesWgsl(frames: boolean): string {
  return `const KERNEL_FRAMES: bool = ${frames};`;
}

/** The generated declarations, as text (snapshot-tested). */
export function interpreterPrelude(opts: { frames?: boolean } = {}): string {
  return [
    '// Generated by src/gpu/interpreter-wgsl.ts from src/evm/outcome.ts, src/evm/opcodes.ts,',
    '// src/evm/gas-schedule.ts, src/gpu/layout.ts and src/gpu/bindings.ts. Do not edit.',
    kernelFramesWgsl(opts.frames ?? true),
    outcomeWgsl(),
    ...LAYOUTS.map(layoutWgsl),
    flagsWgsl(),
    bindingsWgsl(),
    opcodeConstantsWgsl(),
    opcodeTableWgsl(),
    gasScheduleWgsl(),
    forkRulesWgsl(),
    inlineSelectorsWgsl(),
  ].join('\n\n');
}

let cached: string | undefined;

/** The complete kernel source. */
export function interpreterSource(): string {
  cached ??= linkWgslSource(`//! requires: interpreter/main\n${interpreterPrelude()}\n`, { roots: [kernelsRoot(), shadersRoot()] });
  return cached;
}
