import type { Fork } from '../model/fork.js';
import { forkRow } from '../gpu/interpreter-wgsl.js';
import { encodeProgram } from './encode.js';
import { buildProgram } from './fragments.js';

/**
 * The compiler's entry point: stages 1 to 7 (README.md) for one code at one fork, with
 * the figures the cache records.
 */

/** Part of every cache key: bump it whenever the encoding or the kernel that runs it changes meaning. */
export const COMPILER_VERSION = 3;

export interface CompileStats {
  readonly codeBytes: number;
  readonly instructions: number;
  readonly blocks: number;
  readonly fragments: number;
  /** Instructions run inside fragments. */
  readonly inlined: number;
  /** Fragments that end in an instruction left to the interpreter. */
  readonly interpreted: number;
  readonly programWords: number;
  /** Stages 1 to 7, on the host. */
  readonly compileMs: number;
}

export interface CompiledProgram {
  readonly fork: Fork;
  readonly words: Uint32Array;
  readonly listing: string;
  readonly stats: CompileStats;
}

/** Stages 1 to 7 for one code at one fork. */
export function compileProgram(code: Uint8Array, fork: Fork): CompiledProgram {
  forkRow(fork);
  const t = performance.now();
  const p = buildProgram(code, fork);
  const { words, listing } = encodeProgram(p);
  return {
    fork,
    words,
    listing,
    stats: {
      codeBytes: code.length,
      instructions: p.instructions.length,
      blocks: p.blocks.length,
      fragments: p.fragments.length,
      inlined: p.fragments.reduce((n, f) => n + f.body.length, 0),
      interpreted: p.fragments.filter((f) => f.end.kind === 'interpret').length,
      programWords: words.length,
      compileMs: performance.now() - t,
    },
  };
}
