import { EVMError } from '@ethereumjs/evm';
import { interpreterPrototype } from './interpreter-module.js';

/**
 * The interpreter loop without a promise per opcode, for the EVMs this project's CPU
 * executor runs.
 *
 * @ethereumjs/evm's `Interpreter.run` awaits `runStep` for every opcode, and `runStep`
 * awaits the opcode's gas handler even where it is a plain function: two promises and
 * their microtask turns for an ADD as for an SLOAD. Here a step is a plain call, and the
 * loop awaits only what is asynchronous: the gas handlers and opcode handlers that are
 * (state reads, calls, creates). Uniswap swaps run one after another through
 * `CpuTxExecutor`, as the exec thread re-executes them, took 0.54-0.79 ms a swap against
 * 0.74-1.10 ms before (docs/architecture.md has how it was measured).
 *
 * The steps are ethereumjs' own, in its order: the opcode entry (from the table until
 * the first jump's analysis, then from the analysis), the gas handler with the entry as
 * `this`, the invalid-opcode check, `useGas`, the program counter, the opcode handler.
 * An error ends the loop as ethereumjs' does: an EVM error is the frame's result (STOP
 * none), anything else is thrown. Whatever that loop does besides is for features
 * this project does not run, and a frame that could meet any of them runs ethereumjs'
 * own loop: step events or debug logging, the profiler, EOF code (EIP-3540), stateless
 * access witnesses (EIP-6800, EIP-7864), block-level access lists (EIP-7928) and state
 * gas (EIP-8037). Other EVMs, the reference engine's among them, always run it.
 */
interface OpInfo {
  code: number;
  feeBigInt: bigint;
  dynamicGas: boolean;
  isAsync: boolean;
  isInvalid: boolean;
}
interface OpEntry {
  opcodeInfo: OpInfo;
  opHandler(rs: RunState, common: unknown): unknown;
  gasHandler(rs: RunState, gas: bigint, common: unknown): bigint | Promise<bigint>;
}
interface RunState {
  code: Uint8Array;
  programCounter: number;
  opCode: number;
  validJumps: unknown;
  cachedPushes: unknown;
  shouldDoJumpAnalysis: boolean;
  env: { accessWitness?: unknown };
}
interface RunResult {
  runState: RunState;
  exceptionError: unknown;
}
interface Interpreter {
  _evm: { _opcodeMap: OpEntry[]; DEBUG: boolean; events: { listenerCount(event: string): number } };
  common: { isActivatedEIP(eip: number): boolean };
  _runState: RunState;
  profilerOpts?: { enabled?: boolean };
  useGas(gas: bigint, context: OpInfo): void;
  _getValidJumpDestinations(code: Uint8Array): { jumps: unknown; pushes: unknown; opcodesCached: OpEntry[] };
  run(code: Uint8Array, opts?: { pc?: number }): Promise<RunResult>;
}

/** Frames each enabled EVM ran: in this loop, or in ethereumjs' own. */
export interface SyncStepCounts {
  sync: number;
  ethereumjs: number;
}

const enabled = new WeakMap<object, SyncStepCounts>();
let installed: Promise<boolean> | undefined;

/** EIPs whose steps do more than this loop does (EOF, EIP-3540, only for code that starts 0xEF). */
const NOT_HERE = [6800, 7864, 7928, 8037];
const EOF_FORMAT = 0xef;

const JUMP = 0x56;
const JUMPI = 0x57;
const JUMPSUB = 0x5e;

function runsHere(it: Interpreter, code: Uint8Array): boolean {
  const evm = it._evm;
  if (evm.DEBUG || it.profilerOpts?.enabled === true || evm.events.listenerCount('step') > 0) return false;
  if (it._runState.env.accessWitness !== undefined) return false;
  if (code[0] === EOF_FORMAT && it.common.isActivatedEIP(3540)) return false;
  return !NOT_HERE.some((eip) => it.common.isActivatedEIP(eip));
}

/** The rest of ethereumjs' runStep once the gas is known; a promise only for an async opcode handler. */
function charge(it: Interpreter, entry: OpEntry, gas: bigint): unknown {
  const info = entry.opcodeInfo;
  if (info.isInvalid) throw new EVMError(EVMError.errorMessages.INVALID_OPCODE);
  it.useGas(gas, info);
  it._runState.programCounter++;
  const handler = entry.opHandler;
  return handler(it._runState, it.common);
}

/** One step; a promise only where a handler is asynchronous. */
function step(it: Interpreter, entry: OpEntry): unknown {
  const info = entry.opcodeInfo;
  let gas = info.feeBigInt;
  if (info.dynamicGas) {
    const dynamic = entry.gasHandler(it._runState, gas, it.common);
    if (dynamic instanceof Promise) return dynamic.then((g) => charge(it, entry, g));
    gas = dynamic;
  }
  const done = charge(it, entry, gas);
  return info.isAsync ? done : undefined;
}

async function runSync(it: Interpreter, code: Uint8Array, opts: { pc?: number }): Promise<RunResult> {
  const rs = it._runState;
  rs.code = code;
  rs.programCounter = opts.pc ?? rs.programCounter;
  const pc = rs.programCounter;
  if (pc !== 0 && (pc < 0 || pc >= rs.code.length)) throw new Error('Internal error: program counter not in range');
  let analysed: OpEntry[] | undefined;
  let err: unknown;
  try {
    while (rs.programCounter < rs.code.length) {
      const at = rs.programCounter;
      let entry: OpEntry;
      if (analysed === undefined) {
        const op = rs.code[at];
        if (op === JUMP || op === JUMPI || op === JUMPSUB) {
          const { jumps, pushes, opcodesCached } = it._getValidJumpDestinations(rs.code);
          rs.validJumps = jumps;
          rs.cachedPushes = pushes;
          rs.shouldDoJumpAnalysis = false;
          analysed = opcodesCached;
        }
        rs.opCode = op;
        entry = it._evm._opcodeMap[op];
      } else {
        entry = analysed[at];
        rs.opCode = entry.opcodeInfo.code;
      }
      const pending = step(it, entry);
      if (pending !== undefined) await pending;
    }
  } catch (e) {
    const error = e as { errorType?: unknown; error?: unknown };
    if (!('errorType' in error && error.errorType === 'EVMError')) throw e;
    if (error.error !== EVMError.errorMessages.STOP) err = e;
  }
  return { runState: rs, exceptionError: err };
}

async function install(): Promise<boolean> {
  const proto = (await interpreterPrototype()) as Partial<Interpreter> | undefined;
  const run = proto?.run;
  if (proto === undefined || typeof run !== 'function' || typeof proto.useGas !== 'function' || typeof proto._getValidJumpDestinations !== 'function') return false;
  proto.run = function (this: Interpreter, code: Uint8Array, opts: { pc?: number } = {}) {
    const counts = enabled.get(this._evm);
    if (counts === undefined) return run.call(this, code, opts);
    if (!runsHere(this, code)) {
      counts.ethereumjs++;
      return run.call(this, code, opts);
    }
    counts.sync++;
    return runSync(this, code, opts);
  };
  return true;
}

/** Runs `evm`'s frames in this loop from now on; whether it could. */
export async function useSyncSteps(evm: object): Promise<boolean> {
  installed ??= install().catch(() => false);
  if (!(await installed)) return false;
  enabled.set(evm, { sync: 0, ethereumjs: 0 });
  return true;
}

/** The frames `evm` ran in each loop; undefined for an EVM not given to useSyncSteps. */
export function syncStepCounts(evm: object): SyncStepCounts | undefined {
  const c = enabled.get(evm);
  return c && { ...c };
}
