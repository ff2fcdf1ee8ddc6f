import { BlobBuilder } from './blob.js';
import { codePlacer } from './code-placer.js';
import type { GpuBlockContext, GpuCall, GpuStateSnapshot } from './abi.js';
import { forkRow } from './interpreter-wgsl.js';
import { CALL, HOST_ANSWER, PARAMS, type RegionCaps, regions, SLOT_OVERRIDE, WARM_SLOT } from './layout.js';
import { residentTables } from './resident-tables.js';
import { buildStateTables, withOverrides, type BaseVersion, type CodePlacer, type StateTables } from './state-tables.js';
import { putAddress, putBytesAsU256, putU256 } from './words.js';

/**
 * Packs one dispatch group: the block into PARAMS, each call into a CALL record, their
 * variable-length inputs into the blob, the snapshot into the state tables.
 */
export interface PackedBatch {
  readonly params: Uint32Array;
  readonly calls: Uint32Array;
  /** The dispatch's own blob words, which start at word `blobAt` of the blob buffer. */
  readonly blob: Uint32Array;
  readonly blobAt: number;
  /** The words before blobAt: a lineage's code prefix (it only grows; its owner names it), or none. */
  readonly blobPrefix?: { readonly words: Uint32Array; readonly owner: object };
  /** The base state tables (shared with them, not copied), then the calls' override entries. */
  readonly state: Uint32Array;
  readonly stateTail: Uint32Array;
  /** The base tables' version: where it equals the last dispatch's, their words on the device are current (fresh tables are a new object: never). */
  readonly stateVersion: BaseVersion;
}

/** Gas at or above this is refused: the kernel's saturating 64-bit costs rely on it. */
export const MAX_GAS = 1n << 63n;

export interface PackOptions extends RegionCaps {
  readonly stepBudget: number;
}

export function packParams(block: GpuBlockContext, callCount: number, tables: StateTables, opts: PackOptions): Uint32Array {
  const p = new Uint32Array(PARAMS.words);
  const o = PARAMS.offset;
  const r = regions(opts);
  p[o.callCount] = callCount;
  p[o.forkRow] = forkRow(block.fork);
  p[o.stepBudget] = opts.stepBudget;
  p[o.scratchWords] = r.scratchWords;
  p[o.scratchFrames] = r.scratchFrames;
  p[o.scratchUndo] = r.scratchUndo;
  p[o.scratchTransient] = r.scratchTransient;
  p[o.scratchHash] = r.scratchHash;
  p[o.scratchMemory] = r.scratchMemory;
  p[o.stackItems] = opts.stackItems;
  p[o.frameCap] = opts.frames;
  p[o.undoCap] = opts.undoEntries;
  p[o.transientCap] = opts.transientEntries;
  p[o.outWords] = r.outWords;
  p[o.outReturn] = r.outReturn;
  p[o.outLogs] = r.outLogs;
  p[o.outLogData] = r.outLogData;
  p[o.outJournal] = r.outJournal;
  p[o.outAccounts] = r.outAccounts;
  p[o.outCode] = r.outCode;
  p[o.returnCap] = opts.returnBytes;
  p[o.logCap] = opts.logs;
  p[o.logDataCap] = opts.logDataBytes;
  p[o.journalCap] = opts.journalEntries;
  p[o.accountsCap] = opts.accessedEntries;
  p[o.codeCap] = opts.codeBytes;
  p[o.accountsAt] = tables.accountsAt;
  p[o.accountsMask] = tables.accountsMask;
  p[o.slotsAt] = tables.slotsAt;
  p[o.slotsMask] = tables.slotsMask;
  putBytesAsU256(p, o.coinbase, block.coinbase);
  putU256(p, o.number, block.number, 'block number');
  putU256(p, o.timestamp, block.timestamp, 'timestamp');
  putU256(p, o.gasLimit, block.gasLimit, 'block gas limit');
  putU256(p, o.chainId, block.chainId, 'chain id');
  putU256(p, o.baseFee, block.baseFee, 'base fee');
  putU256(p, o.prevRandao, block.prevRandao, 'prevRandao');
  putU256(p, o.blobBaseFee, block.blobBaseFee, 'blob base fee');
  for (let i = 0; i < 256; i++) {
    const n = block.number - 1n - BigInt(i);
    if (n < 0n) break;
    // has() first: a lookup of an absent hash is what t8n counts as a BLOCKHASH miss.
    if (!block.blockHashes.has(n)) continue;
    putBytesAsU256(p, o.blockHashes + 8 * i, block.blockHashes.get(n)!);
  }
  return p;
}

function putU64(words: Uint32Array, at: number, v: bigint, what: string): void {
  if (v < 0n || v >= MAX_GAS) throw new RangeError(`${what} outside [0, 2^63): ${v}`);
  words[at] = Number(v & 0xffffffffn);
  words[at + 1] = Number(v >> 32n);
}

interface PackedState {
  blob: BlobBuilder;
  place: CodePlacer;
  tables: StateTables;
  prefix?: PackedBatch['blobPrefix'];
}

/** Tables built for this dispatch alone; code goes into its blob. */
function freshState(block: GpuBlockContext, state: GpuStateSnapshot, calls: readonly GpuCall[]): PackedState {
  const blob = new BlobBuilder(0, callWords(calls));
  const place = codePlacer(blob, block.fork);
  return { blob, place, tables: buildStateTables(state, calls.map((c) => c.overrides), place) };
}

/**
 * The lineage's resident tables, patched to this snapshot (resident-tables.ts). Every
 * code the dispatch runs is placed in the lineage's code prefix before the dispatch's
 * own words start after it, so nothing is placed after.
 */
function residentState(block: GpuBlockContext, state: GpuStateSnapshot, calls: readonly GpuCall[]): PackedState {
  const resident = residentTables(state.lineage!, block.fork);
  const base = resident.update(state);
  for (const c of calls) resident.place(c.code);
  const tables = withOverrides(base, calls.map((c) => c.overrides), resident.place);
  const words = resident.codeWords();
  const blob = new BlobBuilder(words.length, callWords(calls));
  const place: CodePlacer = (code, hash) => {
    const at = resident.place(code, hash);
    if (resident.codeWords().length !== words.length) throw new Error('code placed after the dispatch\'s blob started after the lineage\'s code');
    return at;
  };
  return { blob, place, tables, prefix: { words, owner: resident } };
}

/**
 * The blob words packBatch writes for the calls themselves (calldata, warm lists, blob
 * hashes, host answers), so that the builder is allocated once at about its size: grown
 * by doubling from nothing, a 10k-call group allocated some three times its blob.
 */
function callWords(calls: readonly GpuCall[]): number {
  let n = 0;
  for (const c of calls) {
    n += (c.isCreate ? 0 : Math.ceil(c.data.length / 4)) + 5 * c.warmAddresses.length + WARM_SLOT.words * c.warmSlots.length + 8 * c.blobVersionedHashes.length + SLOT_OVERRIDE.words * (c.slotOverrides?.length ?? 0);
    for (const a of c.hostAnswers ?? []) n += HOST_ANSWER.words + Math.ceil(a.input.length / 4) + Math.ceil(a.output.length / 4);
  }
  return n;
}

export function packBatch(block: GpuBlockContext, state: GpuStateSnapshot, calls: readonly GpuCall[], opts: PackOptions): PackedBatch {
  const { blob, place, tables, prefix } = state.lineage ? residentState(block, state, calls) : freshState(block, state, calls);
  const words = new Uint32Array(Math.max(1, calls.length) * CALL.words);
  const o = CALL.offset;

  calls.forEach((c, i) => {
    const at = i * CALL.words;
    if (c.gas < 0n || c.gas >= MAX_GAS) throw new RangeError(`call ${i}: gas ${c.gas} outside [0, 2^63)`);
    putAddress(words, at + o.address, c.address);
    putAddress(words, at + o.caller, c.caller);
    putAddress(words, at + o.origin, c.origin);
    putU256(words, at + o.value, c.value, `call ${i} value`);
    putU256(words, at + o.gasPrice, c.gasPrice, `call ${i} gas price`);
    words[at + o.gas] = Number(c.gas & 0xffffffffn);
    words[at + o.gas + 1] = Number(c.gas >> 32n);

    const code = place(c.code);
    words[at + o.codeAt] = code.code;
    words[at + o.codeLen] = c.code.length;
    words[at + o.jumpdestsAt] = code.bitmap;
    // A create's input is its init code, which runs as code; CALLDATA is empty.
    const data = c.isCreate ? new Uint8Array(0) : c.data;
    words[at + o.dataAt] = blob.bytes(data);
    words[at + o.dataLen] = data.length;
    words[at + o.isCreate] = c.isCreate ? 1 : 0;

    // One view a list (not one an entry): a batch packs tens of thousands of calls.
    const warm = blob.alloc(5 * c.warmAddresses.length);
    const warmWords = blob.view(warm, 5 * c.warmAddresses.length);
    c.warmAddresses.forEach((a, k) => putAddress(warmWords, 5 * k, a));
    words[at + o.warmAddrsAt] = warm;
    words[at + o.warmAddrsCount] = c.warmAddresses.length;

    const slotsAt = blob.alloc(WARM_SLOT.words * c.warmSlots.length);
    const slots = blob.view(slotsAt, WARM_SLOT.words * c.warmSlots.length);
    c.warmSlots.forEach((s, k) => {
      putAddress(slots, WARM_SLOT.words * k + WARM_SLOT.offset.address, s.address);
      putU256(slots, WARM_SLOT.words * k + WARM_SLOT.offset.key, s.slot, `call ${i} warm slot`);
    });
    words[at + o.warmSlotsAt] = slotsAt;
    words[at + o.warmSlotsCount] = c.warmSlots.length;

    const hashesAt = blob.alloc(8 * c.blobVersionedHashes.length);
    const hashWords = blob.view(hashesAt, 8 * c.blobVersionedHashes.length);
    c.blobVersionedHashes.forEach((h, k) => putBytesAsU256(hashWords, 8 * k, h));
    words[at + o.blobHashesAt] = hashesAt;
    words[at + o.blobHashesCount] = c.blobVersionedHashes.length;

    words[at + o.overridesAt] = tables.overrides[i].at;
    words[at + o.overridesCount] = tables.overrides[i].count;

    const answers = c.hostAnswers ?? [];
    const answersAt = blob.alloc(HOST_ANSWER.words * answers.length);
    answers.forEach((a, k) => {
      const h = HOST_ANSWER.offset;
      const inputAt = blob.bytes(a.input);
      const outputAt = blob.bytes(a.output);
      const rec = blob.view(answersAt + k * HOST_ANSWER.words, HOST_ANSWER.words);
      rec[h.address] = a.address;
      rec[h.inputLen] = a.input.length;
      rec[h.inputAt] = inputAt;
      putU64(rec, h.gasUsed, a.gasUsed, `call ${i} host answer gas used`);
      rec[h.outputLen] = a.output.length;
      rec[h.outputAt] = outputAt;
    });
    words[at + o.hostAnswersAt] = answersAt;
    words[at + o.hostAnswersCount] = answers.length;

    const over = c.slotOverrides ?? [];
    const overAt = blob.alloc(SLOT_OVERRIDE.words * over.length);
    const overWords = blob.view(overAt, SLOT_OVERRIDE.words * over.length);
    over.forEach((s, k) => {
      putAddress(overWords, SLOT_OVERRIDE.words * k + SLOT_OVERRIDE.offset.address, s.address);
      putU256(overWords, SLOT_OVERRIDE.words * k + SLOT_OVERRIDE.offset.key, s.slot, `call ${i} slot override key`);
      putU256(overWords, SLOT_OVERRIDE.words * k + SLOT_OVERRIDE.offset.value, s.value, `call ${i} slot override value`);
    });
    words[at + o.slotOverridesAt] = overAt;
    words[at + o.slotOverridesCount] = over.length;
  });

  return { params: packParams(block, calls.length, tables, opts), calls: words, blob: blob.finish(), blobAt: blob.base, blobPrefix: prefix, state: tables.words, stateTail: tables.tail, stateVersion: tables.version };
}
