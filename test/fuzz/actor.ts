import { keccak_256 } from '@noble/hashes/sha3.js';
import { account, hex32 } from '../../bench/workloads/common.js';
import type { Hex } from '../../src/model/shapes.js';
import { asm, initCode, toHex, type AsmItem } from './asm.js';

/**
 * The actor: one hand-assembled contract that runs a script from its calldata, so one
 * bytecode covers call trees of any shape. A script is a sequence of ops, each an op
 * byte and 32-byte argument words (a CALL's or CREATE's payload follows its words); a
 * CALL's payload is the callee's calldata, so a nested call to an actor carries the
 * callee's own script (or a precompile's input, or bytes for an EOA).
 *
 * The frame keeps an accumulator `acc`: reads, call outcomes (success + keccak of the
 * return data) and environment values are mixed into it, and a frame that reaches the
 * end of its script returns it. So a STATICCALL'd frame's legal reads reach its caller,
 * and `save` stores what a frame observed (after its children reverted, say).
 *
 * An address word whose bits above 160 are set is indirect: the address is read from
 * the running account's storage slot (the low 32 bits), where a `create` stored it, so
 * a script calls the contract it just created, and later transactions call it too.
 */
export const ACTOR_A: Hex = account(0xf1c, 7);
export const ACTOR_B: Hex = account(0xf1c, 8);
export const ACTOR_C: Hex = account(0xf1c, 9);
/** An actor that nested frames self-destruct (deleted before Cancun: the others stay). */
export const ACTOR_VICTIM: Hex = account(0xf1c, 10);
/** EIP-1167 minimal proxy delegating every call to ACTOR_A: the script runs on the clone's storage. */
export const ACTOR_CLONE: Hex = account(0xf1c, 11);
export const ACTORS: Hex[] = [ACTOR_A, ACTOR_B, ACTOR_C];

/** Script ops (the op byte). */
export const OP = {
  Stop: 0, Add: 1, Set: 2, Read: 3, TAdd: 4, TRead: 5, Log: 6, Call: 7, Create: 8, Destruct: 9,
  Revert: 10, Invalid: 11, Burn: 12, Loop: 13, Env: 14, Save: 15, Bal: 16, Return: 17, Deep: 18,
} as const;
const OPS = Object.keys(OP).length;
export const CALL_KIND = { Call: 0n, CallCode: 1n, Delegate: 2n, Static: 3n } as const;
/** Where a `deep` recursion records the remaining depth of the frame whose recursive call failed. */
export const DEEP_FAIL_SLOT = 0xdee9n;
/** Opcodes one `loop` iteration runs (JUMPDEST ... JUMP). */
export const LOOP_OPCODES_PER_ITERATION = 16;

const MEM = 0x100n;
const K = 0x100000001b3n;
/** acc, p, x -> acc*K + x, p */
const MIX: AsmItem[] = ['SWAP2', K, 'MUL', 'DUP3', 'ADD', 'SWAP2', 'POP'];
/** Argument word k of the op at p, with p at stack position `dup` (1 = top). */
const arg = (k: number, dup = 1): AsmItem[] => [`DUP${dup}`, BigInt(1 + 32 * k), 'ADD', 'CALLDATALOAD'];
let labels = 0;
/** The address on top of the stack, resolved when indirect (a slot of this account's storage). */
function resolve(): AsmItem[] {
  const l = `direct${labels++}`;
  return ['DUP1', 160n, 'SHR', 'ISZERO', `@${l}`, 'JUMPI', 0xffffffffn, 'AND', 'SLOAD', `${l}:`];
}
const advance = (words: number): AsmItem[] => [BigInt(1 + 32 * words), 'ADD', '@next', 'JUMP'];

function callVariant(name: string, opcode: string, withValue: boolean): AsmItem[] {
  // Stack: acc p len 0 0 len MEM (p at 6); pushes value (CALL, CALLCODE), address, gas.
  return [
    `${name}:`, 'POP',
    ...(withValue ? arg(2, 6) : []),
    ...arg(1, withValue ? 7 : 6), ...resolve(),
    ...arg(3, withValue ? 8 : 7), opcode, '@called', 'JUMP',
  ];
}

const handlers: Record<keyof typeof OP, AsmItem[]> = {
  Stop: ['@done', 'JUMP'],
  Add: [...arg(1), ...arg(0, 2), 'DUP1', 'SLOAD', 'DUP3', 'ADD', 'DUP1', 'SWAP2', 'SSTORE', 'SWAP1', 'POP', ...MIX, ...advance(2)],
  Set: [...arg(1), ...arg(0, 2), 'SSTORE', ...advance(2)],
  Read: [...arg(0), 'SLOAD', ...MIX, ...advance(1)],
  TAdd: [...arg(1), ...arg(0, 2), 'DUP1', 'TLOAD', 'DUP3', 'ADD', 'DUP1', 'SWAP2', 'TSTORE', 'SWAP1', 'POP', ...MIX, ...advance(2)],
  TRead: [...arg(0), 'TLOAD', ...MIX, ...advance(1)],
  Log: ['DUP2', 0n, 'MSTORE', 'CALLER', ...arg(0, 2), 32n, 0n, 'LOG2', ...advance(1)],
  Call: [
    ...arg(5), 'DUP1', 'DUP3', 193n, 'ADD', MEM, 'CALLDATACOPY', // acc p len; payload at MEM
    0n, 0n, 'DUP3', MEM, ...arg(0, 6),
    'DUP1', 1n, 'EQ', '@callcode', 'JUMPI',
    'DUP1', 2n, 'EQ', '@delegate', 'JUMPI',
    'DUP1', 3n, 'EQ', '@static', 'JUMPI',
    ...callVariant('plain', 'CALL', true),
    ...callVariant('callcode', 'CALLCODE', true),
    ...callVariant('delegate', 'DELEGATECALL', false),
    ...callVariant('static', 'STATICCALL', false),
    'called:', // acc p len success
    'RETURNDATASIZE', 0n, MEM, 'RETURNDATACOPY', 'RETURNDATASIZE', MEM, 'KECCAK256', 'ADD', // acc p len x
    ...arg(4, 3), 'DUP1', 'ISZERO', '@norecord', 'JUMPI',
    'DUP2', 'DUP2', 'SSTORE', 'GAS', 'SWAP1', 1n, 'ADD', 'SSTORE', '@recorded', 'JUMP',
    'norecord:', 'POP',
    'recorded:', 'SWAP2', 'ADD', 193n, 'ADD', 'SWAP1', ...MIX, '@next', 'JUMP',
  ],
  Create: [
    ...arg(4), 'DUP1', 'DUP3', 161n, 'ADD', MEM, 'CALLDATACOPY', // acc p len; init code at MEM
    ...arg(0, 2), '@create2', 'JUMPI',
    'DUP1', MEM, ...arg(1, 4), 'CREATE', '@created', 'JUMP',
    'create2:', ...arg(2, 2), 'DUP2', MEM, ...arg(1, 5), 'CREATE2',
    'created:', // acc p len address
    ...arg(3, 3), 'DUP1', 'ISZERO', '@cnorecord', 'JUMPI',
    'DUP2', 'DUP2', 'SSTORE', 'RETURNDATASIZE', 'SWAP1', 1n, 'ADD', 'SSTORE', '@crecorded', 'JUMP',
    'cnorecord:', 'POP',
    'crecorded:', 'SWAP2', 'ADD', 161n, 'ADD', 'SWAP1', ...MIX, '@next', 'JUMP',
  ],
  Destruct: [...arg(0), ...resolve(), 'SELFDESTRUCT'],
  Revert: ['POP', 0n, 'MSTORE', 32n, 0n, 'REVERT'],
  Invalid: ['INVALID'],
  // Burns all its gas: EXP with a 32-byte exponent costs 1,610 gas, so the loop runs few opcodes for its gas.
  Burn: ['burn:', (1n << 256n) - 1n, 'DUP1', 'EXP', 'POP', '@burn', 'JUMP'],
  Loop: [
    ...arg(0), // acc p n
    'loop:', 'DUP1', 'ISZERO', '@loopend', 'JUMPI', 'SWAP2', K, 'MUL', 'DUP3', 'ADD', 'SWAP2', 1n, 'SWAP1', 'SUB', '@loop', 'JUMP',
    'loopend:', 'POP', ...advance(1),
  ],
  Env: ['CALLER', ...MIX, 'CALLVALUE', ...MIX, 'ADDRESS', ...MIX, 'SELFBALANCE', ...MIX, ...advance(0)],
  Save: ['DUP2', ...arg(0, 2), 'SSTORE', ...advance(1)],
  Bal: [...arg(0), ...resolve(), 'DUP1', 'BALANCE', 'SWAP1', 'DUP1', 'EXTCODEHASH', 'SWAP1', 'EXTCODESIZE', 'ADD', 'ADD', ...MIX, ...advance(1)],
  Return: ['DUP2', 0n, 'MSTORE', ...arg(0), 0n, 'RETURN'],
  Deep: [
    ...arg(0), 'DUP1', 'ISZERO', '@deep0', 'JUMPI', // acc p n
    BigInt(OP.Deep), MEM, 'MSTORE8', 1n, 'DUP2', 'SUB', MEM + 1n, 'MSTORE', // calldata: deep(n-1) ...
    'DUP2', 33n, 'ADD', 'CALLDATASIZE', 'SUB', 'DUP1', 'DUP4', 33n, 'ADD', MEM + 33n, 'CALLDATACOPY', // ... then the rest of this script
    33n, 'ADD', 0n, 0n, 'SWAP2', MEM, 0n, 'ADDRESS', 'GAS', 'CALL', // acc p n success
    'DUP1', '@deepok', 'JUMPI', 'DUP2', DEEP_FAIL_SLOT, 'SSTORE',
    'deepok:', 'SWAP1', 'POP', ...MIX, '@done', 'JUMP',
    'deep0:', 'POP', ...advance(1),
  ],
};

/** The actor's runtime code: a dispatch loop over the script, a jump table of 5-byte entries, the handlers. */
export const ACTOR_CODE: Uint8Array = asm(
  0n, 0n, // acc p
  'next:', 'DUP1', 'CALLDATASIZE', 'GT', 'ISZERO', '@done', 'JUMPI',
  'DUP1', 'CALLDATALOAD', 248n, 'SHR', BigInt(OPS), 'SWAP1', 'MOD', 5n, 'MUL', '@t0', 'ADD', 'JUMP',
  ...Object.keys(OP).flatMap((name, i) => [`t${i}:`, `@h${name}`, 'JUMP']),
  'done:', 'POP', 0n, 'MSTORE', 32n, 0n, 'RETURN',
  ...Object.entries(handlers).flatMap(([name, items]) => [`h${name}:`, ...items]),
);

/** EIP-1167 minimal proxy to `target` (no PUSH0, so valid on every fork). */
export function minimalProxy(target: Hex): Hex {
  return `0x363d3d373d3d3d363d73${target.slice(2)}5af43d82803e903d91602b57fd5bf3`;
}

// ---- scripts ----

export type Script = string; // hex digits, no 0x
const w = (v: bigint | number): string => hex32(BigInt.asUintN(256, BigInt(v)));
const op = (o: number, ...words: (bigint | number)[]): Script => o.toString(16).padStart(2, '0') + words.map(w).join('');
const bytes = (s: Script | Hex): string => (s.startsWith('0x') ? s.slice(2) : s);

/** An indirect address word: the address stored in slot `slot` of the running account. */
export const indirect = (slot: bigint): bigint => (1n << 200n) | slot;

export const S = {
  stop: () => op(OP.Stop),
  add: (key: bigint, v: bigint) => op(OP.Add, key, v),
  set: (key: bigint, v: bigint) => op(OP.Set, key, v),
  read: (key: bigint) => op(OP.Read, key),
  tadd: (key: bigint, v: bigint) => op(OP.TAdd, key, v),
  tread: (key: bigint) => op(OP.TRead, key),
  log: (topic: bigint) => op(OP.Log, topic),
  /** A call of `kind` with `payload` as calldata; `record` (a slot, 0 for none) gets success + keccak(returndata), `record+1` the gas left after. */
  call: (kind: bigint, target: bigint | Hex, value: bigint, gas: bigint, record: bigint, payload: Script | Hex = '') =>
    op(OP.Call, kind, BigInt(target), value, gas, record, bytes(payload).length / 2) + bytes(payload),
  /** CREATE (`salt` undefined) or CREATE2; `record` (0 for none) gets the address (0 on failure), `record+1` the return data size. */
  create: (value: bigint, salt: bigint | undefined, record: bigint, init: Hex) =>
    op(OP.Create, salt === undefined ? 0n : 1n, value, salt ?? 0n, record, bytes(init).length / 2) + bytes(init),
  destruct: (beneficiary: bigint | Hex) => op(OP.Destruct, BigInt(beneficiary)),
  revert: () => op(OP.Revert),
  invalid: () => op(OP.Invalid),
  burn: () => op(OP.Burn),
  loop: (n: bigint) => op(OP.Loop, n),
  env: () => op(OP.Env),
  save: (key: bigint) => op(OP.Save, key),
  bal: (a: bigint | Hex) => op(OP.Bal, BigInt(a)),
  ret: (len: bigint) => op(OP.Return, len),
  /** Recursion: the actor calls itself `n` levels down with all its gas; the bottom frame runs the rest of the script. */
  deep: (n: bigint) => op(OP.Deep, n),
};

export const scriptHex = (...parts: Script[]): Hex => `0x${parts.join('')}`;

// ---- init codes for the actor's creates ----

/** Deploys the actor's own runtime, after storing `tag` in slot 1. */
export const actorInit = (tag: bigint): Hex => toHex(initCode(ACTOR_CODE, [tag, 1n, 'SSTORE']));

/** Init codes that fail or deploy something odd. */
export function oddInit(how: 'ef' | 'oversize' | 'maxsize' | 'burn' | 'oog' | 'revert' | 'big', tag: bigint): Hex {
  switch (how) {
    case 'ef': return toHex(asm(0xefn, 0n, 'MSTORE8', tag, 1n, 'SSTORE', 1n + (tag % 31n), 0n, 'RETURN')); // EIP-3541 (London)
    case 'oversize': return toHex(asm(24_577n, 0n, 'RETURN')); // over EIP-170's 24,576 bytes
    case 'maxsize': return toHex(asm(24_576n, 0n, 'RETURN')); // exactly the limit: deploys 24,576 zero bytes (4.9M gas)
    case 'burn': return toHex(asm(tag, 1n, 'SSTORE', 'burn:', (1n << 256n) - 1n, 'DUP1', 'EXP', 'POP', '@burn', 'JUMP'));
    case 'oog': return toHex(asm(tag, 1n, 'SSTORE', 1n, 1n << 32n, 'MSTORE')); // memory at 4 GiB: out of gas at once
    case 'revert': return toHex(asm(tag, 0n, 'MSTORE', 32n, 0n, 'REVERT'));
    case 'big': return toHex(asm(tag, 1n, 'SSTORE', 2000n + (tag % 3000n), 0n, 'RETURN')); // code deposit of 0.4M to 1M gas: fails with too little
  }
}

/**
 * Init code whose constructor CALLs `target` with `script` (copied from its own tail),
 * stores the call's success in slot 0, then deploys the actor: a constructor that
 * re-enters its creator or calls its sibling before it exists.
 */
export function callingInit(target: Hex, script: Hex): Hex {
  const s = bytes(script).length / 2;
  const runtime = ACTOR_CODE;
  const head = asm(
    BigInt(s), '@end', MEM, 'CODECOPY', // script at MEM
    0n, 0n, BigInt(s), MEM, 0n, BigInt(target), 'GAS', 'CALL', 0n, 'SSTORE',
    BigInt(runtime.length), 'DUP1', '@end', BigInt(s), 'ADD', 0n, 'CODECOPY', 0n, 'RETURN',
  );
  return `0x${Buffer.from(head).toString('hex')}${bytes(script)}${Buffer.from(runtime).toString('hex')}`;
}

/** The CREATE2 address of `init` deployed by `creator` with `salt`. */
export function create2Address(creator: Hex, salt: bigint, init: Hex): Hex {
  const h = keccak_256(Buffer.from(bytes(init), 'hex'));
  const pre = Buffer.concat([Buffer.from([0xff]), Buffer.from(creator.slice(2), 'hex'), Buffer.from(hex32(salt), 'hex'), Buffer.from(h)]);
  return `0x${Buffer.from(keccak_256(pre)).subarray(12).toString('hex')}`;
}
