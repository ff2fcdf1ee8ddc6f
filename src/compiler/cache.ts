import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fork } from '../model/fork.js';
import { codeHash } from '../primitives/code-hash.js';
import { writeWhole } from '../primitives/write-whole.js';
import { COMPILER_VERSION, compileProgram, type CompiledProgram, type CompileStats } from './compile.js';

/**
 * Compiled programs by code hash, fork and compiler version: in memory, and on disk as
 * the program words (`<key>.bin`) with their listing (`<key>.txt`), so a restarted
 * service skips the compile. Every code seen gets an entry saying whether it was
 * compiled, how long it took, or why it was not.
 */
export type NotCompiledReason =
  /** Longer than the size limit. */
  | 'too-large'
  /** Init code: it runs once. */
  | 'create'
  /** Seen in fewer calls than the threshold so far. */
  | 'rare'
  /** Queued: the interpreter serves it meanwhile. */
  | 'pending';

export interface CacheEntry {
  readonly key: string;
  readonly codeBytes: number;
  calls: number;
  program?: CompiledProgram;
  /** Where the program came from. */
  source?: 'compiled' | 'disk';
  reason?: NotCompiledReason;
  /** Host time to compile (or read from disk). */
  ms?: number;
  stats?: CompileStats;
}

export interface ProgramCacheOptions {
  /** Where programs are kept; false (the default): memory only. The service passes its configured cache directory (RuntimeConfig.cacheDir). */
  dir?: string | false;
  /** Codes longer than this stay interpreted. Default 49,152 (EIP-3860's init code limit; deployed code is at most 24,576). */
  maxCodeBytes?: number;
}

const hashes = new WeakMap<Uint8Array, string>();

function hashOf(code: Uint8Array): string {
  let h = hashes.get(code);
  if (!h) hashes.set(code, (h = Buffer.from(codeHash(code)).toString('hex')));
  return h;
}

export class ProgramCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly dir: string | false;
  private readonly maxCodeBytes: number;
  private readonly queue = new Map<string, { code: Uint8Array; fork: Fork }>();

  constructor(opts: ProgramCacheOptions = {}) {
    this.dir = opts.dir ?? false;
    this.maxCodeBytes = opts.maxCodeBytes ?? 49_152;
  }

  static key(code: Uint8Array, fork: Fork): string {
    return `${hashOf(code)}-${fork}-v${COMPILER_VERSION}`;
  }

  /**
   * The program for a code, compiling it now when `now` (or reading it from disk),
   * else queueing the compile for `drain()` and answering undefined meanwhile. `calls`
   * is how many calls in this dispatch run the code; `minCalls` the threshold below
   * which a code is not worth compiling yet.
   */
  lookup(code: Uint8Array, fork: Fork, o: { isCreate: boolean; calls: number; now: boolean; minCalls?: number }): CompiledProgram | undefined {
    const key = ProgramCache.key(code, fork);
    let e = this.entries.get(key);
    if (!e) this.entries.set(key, (e = { key, codeBytes: code.length, calls: 0 }));
    e.calls += o.calls;
    if (e.program) return e.program;
    if (o.isCreate) return this.refuse(e, 'create');
    if (code.length > this.maxCodeBytes) return this.refuse(e, 'too-large');
    if (e.calls < (o.minCalls ?? 1)) return this.refuse(e, 'rare');
    const disk = this.read(key, fork);
    if (disk) return this.keep(e, disk.program, 'disk', disk.ms);
    if (!o.now) {
      this.queue.set(key, { code, fork });
      return this.refuse(e, 'pending');
    }
    return this.compile(e, code, fork);
  }

  /** The code's program if it is already compiled; no other effect. */
  peek(code: Uint8Array, fork: Fork): CompiledProgram | undefined {
    return this.entries.get(ProgramCache.key(code, fork))?.program;
  }

  /** Compiles every queued code (the executor runs this after a dispatch that served them interpreted). */
  drain(): void {
    for (const [key, { code, fork }] of this.queue) {
      this.queue.delete(key);
      const e = this.entries.get(key)!;
      if (!e.program) this.compile(e, code, fork);
    }
  }

  pendingCount(): number {
    return this.queue.size;
  }

  /** Every code seen, compiled or not. */
  report(): CacheEntry[] {
    return [...this.entries.values()];
  }

  private refuse(e: CacheEntry, reason: NotCompiledReason): undefined {
    e.reason = reason;
    return undefined;
  }

  private keep(e: CacheEntry, program: CompiledProgram, source: 'compiled' | 'disk', ms: number): CompiledProgram {
    e.program = program;
    e.source = source;
    e.reason = undefined;
    e.ms = ms;
    e.stats = program.stats;
    return program;
  }

  private compile(e: CacheEntry, code: Uint8Array, fork: Fork): CompiledProgram {
    const t = performance.now();
    const program = compileProgram(code, fork);
    this.write(e.key, program);
    return this.keep(e, program, 'compiled', performance.now() - t);
  }

  private read(key: string, fork: Fork): { program: CompiledProgram; ms: number } | undefined {
    if (!this.dir) return undefined;
    const t = performance.now();
    try {
      const bin = readFileSync(join(this.dir, `${key}.bin`));
      const listing = readFileSync(join(this.dir, `${key}.txt`), 'utf8');
      const stats = JSON.parse(readFileSync(join(this.dir, `${key}.json`), 'utf8')) as CompileStats;
      const words = new Uint32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
      if (words.length !== stats.programWords) return undefined;
      return { program: { fork, words, listing, stats }, ms: performance.now() - t };
    } catch {
      return undefined;
    }
  }

  private write(key: string, p: CompiledProgram): void {
    if (!this.dir) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      // Stats last: read() needs all three, so a crash between writes leaves a miss, not a torn
      // entry; each file is replaced whole, so a process reading beside this one never sees half of one.
      writeWhole(join(this.dir, `${key}.bin`), new Uint8Array(p.words.buffer, p.words.byteOffset, p.words.byteLength));
      writeWhole(join(this.dir, `${key}.txt`), p.listing);
      writeWhole(join(this.dir, `${key}.json`), JSON.stringify(p.stats));
    } catch {
      // A read-only or full disk costs a recompile after restart, nothing else.
    }
  }
}
