import type { CacheEntry, NotCompiledReason } from './cache.js';
import type { ContractKernelEntry, ContractKernelReason } from './contract-kernels.js';

/**
 * The compiler's caches summarised for operators (GET /v1/stats, /metrics): counts by
 * state, compile times, and the busiest codes. Plain JSON: numbers and strings only,
 * no bigint, Uint8Array, program words or pipelines.
 */

export type ProgramState = 'compiled' | NotCompiledReason;
export const PROGRAM_STATES: readonly ProgramState[] = ['compiled', 'too-large', 'create', 'rare', 'pending'];

export type ContractKernelState = 'ready' | ContractKernelReason;
export const CONTRACT_KERNEL_STATES: readonly ContractKernelState[] = ['ready', 'pending', 'failed', 'too-many-fragments'];

export interface ProgramReportEntry {
  /** The cache key: `<code hash>-<fork>-v<compiler version>`. */
  key: string;
  /** keccak256 of the code, 0x-hex. */
  codeHash: string;
  fork: string;
  bytes: number;
  /** Calls that ran this code, counted across dispatches. */
  calls: number;
  state: ProgramState;
  /** Compiled now or read back from disk; only when compiled. */
  source?: 'compiled' | 'disk';
  /** Host time to compile (or read from disk). */
  ms?: number;
  fragments?: number;
  programWords?: number;
}

export interface ProgramsReport {
  /** Distinct codes seen (per fork and compiler version). */
  codes: number;
  /** Calls over every code. */
  calls: number;
  byState: Record<ProgramState, number>;
  /** Compiled programs by where they came from. */
  bySource: { compiled: number; disk: number };
  /** Codes queued for a compile right now. */
  queued?: number;
  /** Host time to compile or read every program, and the longest one. */
  msTotal: number;
  msMax: number;
  /** The busiest codes, most calls first, at most `top` of them. */
  top: ProgramReportEntry[];
}

export interface ContractKernelReportEntry {
  key: string;
  codeHash: string;
  fork: string;
  bytes: number;
  /** Calls that ran this code, from the program cache (0 when it has no entry there). */
  calls: number;
  state: ContractKernelState;
  /** Fragments written as WGSL, of `totalFragments`; `sampled` when a sample call chose them. */
  fragments?: number;
  totalFragments?: number;
  sampled?: boolean;
  wgslBytes?: number;
  emitMs?: number;
  pipelineMs?: number;
  error?: string;
}

export interface ContractKernelsReport {
  codes: number;
  byState: Record<ContractKernelState, number>;
  emitMsTotal: number;
  emitMsMax: number;
  /** Request-to-ready time of every ready pipeline, and the longest one. */
  pipelineMsTotal: number;
  pipelineMsMax: number;
  top: ContractKernelReportEntry[];
}

export interface GpuReport {
  /** Whether the process has a GPU context open now (reports never open one). */
  open: boolean;
  adapter?: string;
  software?: boolean;
  /** Creation time of the shared compiled-program kernel's pipeline, once it exists. */
  compiledPipelineMs?: number;
}

export interface CompilerReport {
  programs: ProgramsReport;
  gpu: GpuReport;
  /** Only when a GPU context is open. */
  contractKernels?: ContractKernelsReport;
}

export interface CompilerReportInput {
  /** ProgramCache.report(). */
  programs: readonly CacheEntry[];
  /** ProgramCache.pendingCount(). */
  queued?: number;
  gpu?: { adapter: string; software: boolean; compiledPipelineMs?: number };
  /** ContractKernels.report() of the open device; ignored without `gpu`. */
  contractKernels?: readonly ContractKernelEntry[];
  /** Length of each `top` list. Default 20. */
  top?: number;
}

export const DEFAULT_TOP = 20;
const MAX_ERROR_CHARS = 500;

/** Milliseconds to the microsecond: enough for operators, short in JSON. */
function ms(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function parseKey(key: string): { codeHash: string; fork: string } {
  const m = /^([0-9a-f]+)-(.+)-v\d+$/.exec(key);
  return m ? { codeHash: `0x${m[1]}`, fork: m[2]! } : { codeHash: key, fork: '' };
}

export function programState(e: CacheEntry): ProgramState {
  if (e.program) return 'compiled';
  // An entry always has a program or a reason once lookup() returns; pending covers the gap.
  return e.reason ?? 'pending';
}

export function contractKernelState(e: ContractKernelEntry): ContractKernelState {
  if (e.pipeline && !e.reason) return 'ready';
  return e.reason ?? 'pending';
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** Most calls first, then larger codes, then key: a stable order. */
function busiest<T extends { calls: number; bytes: number; key: string }>(rows: T[], n: number): T[] {
  return rows.sort((a, b) => b.calls - a.calls || b.bytes - a.bytes || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, Math.max(0, n));
}

export function summarisePrograms(entries: readonly CacheEntry[], opts: { queued?: number; top?: number } = {}): ProgramsReport {
  const byState = zeros(PROGRAM_STATES);
  const bySource = { compiled: 0, disk: 0 };
  let calls = 0;
  let msTotal = 0;
  let msMax = 0;
  const rows: ProgramReportEntry[] = [];
  for (const e of entries) {
    const state = programState(e);
    byState[state]++;
    calls += e.calls;
    const row: ProgramReportEntry = { key: e.key, ...parseKey(e.key), bytes: e.codeBytes, calls: e.calls, state };
    if (state === 'compiled') {
      if (e.source) {
        bySource[e.source]++;
        row.source = e.source;
      }
      if (e.ms !== undefined) {
        msTotal += e.ms;
        msMax = Math.max(msMax, e.ms);
        row.ms = ms(e.ms);
      }
      if (e.stats) {
        row.fragments = e.stats.fragments;
        row.programWords = e.stats.programWords;
      }
    }
    rows.push(row);
  }
  return {
    codes: entries.length,
    calls,
    byState,
    bySource,
    ...(opts.queued !== undefined ? { queued: opts.queued } : {}),
    msTotal: ms(msTotal),
    msMax: ms(msMax),
    top: busiest(rows, opts.top ?? DEFAULT_TOP),
  };
}

export function summariseContractKernels(
  entries: readonly ContractKernelEntry[],
  opts: { callsByKey?: ReadonlyMap<string, number>; top?: number } = {},
): ContractKernelsReport {
  const byState = zeros(CONTRACT_KERNEL_STATES);
  let emitMsTotal = 0;
  let emitMsMax = 0;
  let pipelineMsTotal = 0;
  let pipelineMsMax = 0;
  const rows: ContractKernelReportEntry[] = [];
  for (const e of entries) {
    const state = contractKernelState(e);
    byState[state]++;
    const row: ContractKernelReportEntry = { key: e.key, ...parseKey(e.key), bytes: e.codeBytes, calls: opts.callsByKey?.get(e.key) ?? 0, state };
    if (e.fragments !== undefined) row.fragments = e.fragments;
    if (e.totalFragments !== undefined) row.totalFragments = e.totalFragments;
    if (e.sampled !== undefined) row.sampled = e.sampled;
    if (e.wgslBytes !== undefined) row.wgslBytes = e.wgslBytes;
    if (e.emitMs !== undefined) {
      emitMsTotal += e.emitMs;
      emitMsMax = Math.max(emitMsMax, e.emitMs);
      row.emitMs = ms(e.emitMs);
    }
    if (e.pipelineMs !== undefined) {
      pipelineMsTotal += e.pipelineMs;
      pipelineMsMax = Math.max(pipelineMsMax, e.pipelineMs);
      row.pipelineMs = ms(e.pipelineMs);
    }
    if (e.error !== undefined) row.error = e.error.length > MAX_ERROR_CHARS ? `${e.error.slice(0, MAX_ERROR_CHARS)}...` : e.error;
    rows.push(row);
  }
  return {
    codes: entries.length,
    byState,
    emitMsTotal: ms(emitMsTotal),
    emitMsMax: ms(emitMsMax),
    pipelineMsTotal: ms(pipelineMsTotal),
    pipelineMsMax: ms(pipelineMsMax),
    top: busiest(rows, opts.top ?? DEFAULT_TOP),
  };
}

/** Both caches in one report; the contract-kernel part only when a GPU context is given. */
export function compilerReport(input: CompilerReportInput): CompilerReport {
  const top = input.top ?? DEFAULT_TOP;
  const programs = summarisePrograms(input.programs, { queued: input.queued, top });
  if (!input.gpu) return { programs, gpu: { open: false } };
  const gpu: GpuReport = { open: true, adapter: input.gpu.adapter, software: input.gpu.software };
  if (input.gpu.compiledPipelineMs !== undefined) gpu.compiledPipelineMs = ms(input.gpu.compiledPipelineMs);
  const callsByKey = new Map(input.programs.map((e) => [e.key, e.calls]));
  return { programs, gpu, contractKernels: summariseContractKernels(input.contractKernels ?? [], { callsByKey, top }) };
}
