import { interpreterPrototype } from './interpreter-module.js';

/**
 * JUMPDEST analysis kept per code, for the EVMs this project's CPU executor runs.
 *
 * @ethereumjs/evm analyses a code (its JUMPDESTs, every PUSH's value as a bigint, each
 * byte's opcode entry) afresh in every frame that jumps: a Uniswap swap's router, pool
 * and two tokens, 60 KB of code, at every transaction. That was 13% of uniswap-hot's
 * re-execution time. revm and evmone analyse a code once and keep the analysis with it;
 * this does the same for the EVMs given to `cacheJumpAnalysis`, keyed by the code's array
 * (the state manager hands out one array per code) within the EVM (whose opcode table
 * the analysis reads). Other EVMs, the reference engine's among them, run ethereumjs'
 * own path untouched. The analysis is a pure function of the code and the opcode table,
 * and the interpreter only reads it, so results are the same byte for byte.
 *
 * ethereumjs exports no hook for this: the interpreter's method is wrapped once
 * (interpreter-module.ts). If this version keeps it elsewhere, nothing is wrapped and
 * every EVM analyses as before.
 */
type Analysis = unknown;
interface InterpreterProto {
  _getValidJumpDestinations(this: { _evm: object }, code: Uint8Array): Analysis;
}

interface Cache {
  readonly codes: WeakMap<Uint8Array, Analysis>;
  /** Analyses made, and frames that found one made before. */
  analysed: number;
  reused: number;
}

const caches = new WeakMap<object, Cache>();
let installed: Promise<boolean> | undefined;

async function install(): Promise<boolean> {
  const proto = (await interpreterPrototype()) as Partial<InterpreterProto> | undefined;
  if (typeof proto?._getValidJumpDestinations !== 'function') return false;
  const analyse = proto._getValidJumpDestinations;
  proto._getValidJumpDestinations = function (this: { _evm: object }, code: Uint8Array) {
    const cache = caches.get(this._evm);
    if (!cache) return analyse.call(this, code);
    let a = cache.codes.get(code);
    if (a === undefined) {
      cache.codes.set(code, (a = analyse.call(this, code)));
      cache.analysed++;
    } else cache.reused++;
    return a;
  };
  return true;
}

/** Keeps `evm`'s JUMPDEST analyses per code from now on; whether it could. */
export async function cacheJumpAnalysis(evm: object): Promise<boolean> {
  installed ??= install().catch(() => false);
  if (!(await installed)) return false;
  caches.set(evm, { codes: new WeakMap(), analysed: 0, reused: 0 });
  return true;
}

/** How many analyses `evm` made and how many frames reused one; undefined for an EVM without the cache. */
export function jumpAnalysisCounts(evm: object): { analysed: number; reused: number } | undefined {
  const c = caches.get(evm);
  return c && { analysed: c.analysed, reused: c.reused };
}
