/**
 * How one message call ended: one closed, numbered enum shared by the WGSL status
 * words, the TypeScript engines and the API (`results[].outcome`). Numbers are in
 * bands, as revm does: success from 0x01, revert at 0x10, exceptional halts from 0x20,
 * and infrastructure outcomes (the call left the GPU unfinished) from 0x40.
 * Never renumber: kernels and clients read these numbers.
 */
export const Outcome = {
  Stop: 0x01,
  Return: 0x02,

  Revert: 0x10,

  OutOfGas: 0x20,
  StackUnderflow: 0x21,
  StackOverflow: 0x22,
  InvalidJump: 0x23,
  InvalidOpcode: 0x24,
  StaticStateChange: 0x25,
  ReturnDataOutOfBounds: 0x26,
  CreateCollision: 0x27,
  CodeSizeExceeded: 0x28,
  InvalidCodePrefix: 0x29,
  CodeStoreOutOfGas: 0x2a,
  InitcodeSizeExceeded: 0x2b,
  PrecompileFailure: 0x2c,
  CallDepthExceeded: 0x2d,
  InsufficientBalance: 0x2e,
  NonceOverflow: 0x2f,

  /** The GPU stopped at an opcode it does not run (CALL family, CREATE, ...): finish on the host. */
  NeedsHost: 0x40,
  /** The step or gas budget of one dispatch ran out: resume or hand off. */
  BudgetExhausted: 0x41,
  /** Per-transaction scratch (stack, memory, logs, return data) would overflow its slot. */
  ScratchExhausted: 0x42,
} as const;

export type OutcomeName = keyof typeof Outcome;
export type OutcomeCode = (typeof Outcome)[OutcomeName];

const NAME_BY_CODE = new Map<number, OutcomeName>(Object.entries(Outcome).map(([k, v]) => [v, k as OutcomeName]));

export function outcomeName(code: number): OutcomeName {
  const n = NAME_BY_CODE.get(code);
  if (n === undefined) throw new RangeError(`unknown outcome code 0x${code.toString(16)}`);
  return n;
}

export const isSuccess = (o: OutcomeCode): boolean => o < Outcome.Revert;
export const isHalt = (o: OutcomeCode): boolean => o >= Outcome.OutOfGas && o < Outcome.NeedsHost;
export const needsHost = (o: OutcomeCode): boolean => o >= Outcome.NeedsHost;

/** ethereumjs EVMError messages -> outcome (the reference engine reports through this). */
const FROM_ETHEREUMJS: Record<string, OutcomeName> = {
  'out of gas': 'OutOfGas',
  'code store out of gas': 'CodeStoreOutOfGas',
  'code size to deposit exceeds maximum code size': 'CodeSizeExceeded',
  'stack underflow': 'StackUnderflow',
  'stack overflow': 'StackOverflow',
  'invalid JUMP': 'InvalidJump',
  'invalid opcode': 'InvalidOpcode',
  'value out of range': 'ReturnDataOutOfBounds',
  revert: 'Revert',
  'static state change': 'StaticStateChange',
  'create collision': 'CreateCollision',
  'invalid bytecode deployed': 'InvalidCodePrefix',
  'initcode exceeds max initcode size': 'InitcodeSizeExceeded',
  'insufficient balance': 'InsufficientBalance',
  'value overflow': 'NonceOverflow',
};

/**
 * ethereumjs appends where an invalid jump happened ("invalid JUMP at <hash>/<address>:<pc>");
 * results carry the bare reason, the same whichever engine ran the frame.
 */
export function canonicalEvmError(message: string): string {
  return message.startsWith('invalid JUMP at ') ? 'invalid JUMP' : message;
}

/**
 * Outcome of a finished top-level call as ethereumjs reports it. A successful call is
 * reported by what every engine can observe: `Return` when it returned data, else `Stop`.
 */
export function outcomeFromEthereumjs(errorMessage: string | undefined, returnLength: number): OutcomeName {
  if (errorMessage === undefined) return returnLength > 0 ? 'Return' : 'Stop';
  return FROM_ETHEREUMJS[canonicalEvmError(errorMessage)] ?? 'PrecompileFailure';
}

const TO_ETHEREUMJS = new Map<OutcomeName, string>(Object.entries(FROM_ETHEREUMJS).map(([message, name]) => [name, message]));

/** The ethereumjs EVMError message for an outcome another engine produced; undefined for success. */
export function ethereumjsErrorOf(name: OutcomeName): string | undefined {
  if (name === 'Stop' || name === 'Return') return undefined;
  const message = TO_ETHEREUMJS.get(name);
  if (message === undefined) throw new RangeError(`outcome ${name} has no ethereumjs equivalent`);
  return message;
}
