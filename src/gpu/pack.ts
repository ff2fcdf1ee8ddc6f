import { analyzeCode } from '../evm/code-analysis.js';
import { BlobBuilder } from './blob.js';
import type { GpuBlockContext, GpuCall, GpuStateSnapshot } from './abi.js';
import { forkRow } from './interpreter-wgsl.js';
import { CALL, PARAMS, type RegionCaps, regions } from './layout.js';
import { buildStateTables, type StateTables } from './state-tables.js';
import { addressKey, putAddress, putBytesAsU256, putU256 } from './words.js';

/**
 * Packs one dispatch group: the block into PARAMS, each call into a CALL record, their
 * variable-length inputs into the blob, the snapshot into the state tables.
 */
export interface PackedBatch {
  readonly params: Uint32Array;
  readonly calls: Uint32Array;
  readonly blob: Uint32Array;
  readonly state: Uint32Array;
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
  p[o.scratchMemory] = r.scratchMemory;
  p[o.scratchTransient] = r.scratchTransient;
  p[o.memoryWordsCap] = opts.memoryBytes / 32;
  p[o.transientCap] = opts.transientEntries;
  p[o.outWords] = r.outWords;
  p[o.outReturn] = r.outReturn;
  p[o.outLogs] = r.outLogs;
  p[o.outLogData] = r.outLogData;
  p[o.outJournal] = r.outJournal;
  p[o.outAccessed] = r.outAccessed;
  p[o.returnCap] = opts.returnBytes;
  p[o.logCap] = opts.logs;
  p[o.logDataCap] = opts.logDataBytes;
  p[o.journalCap] = opts.journalEntries;
  p[o.accessedCap] = opts.accessedEntries;
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

/** JUMPDEST bitmaps by code identity, kept across dispatches while the code lives. */
const bitmaps = new WeakMap<Uint8Array, Map<string, Uint32Array>>();

function jumpdests(code: Uint8Array, block: GpuBlockContext): Uint32Array {
  let perFork = bitmaps.get(code);
  if (!perFork) bitmaps.set(code, (perFork = new Map()));
  let bitmap = perFork.get(block.fork);
  if (!bitmap) perFork.set(block.fork, (bitmap = analyzeCode(code, block.fork).jumpdests));
  return bitmap;
}

export function packBatch(block: GpuBlockContext, state: GpuStateSnapshot, calls: readonly GpuCall[], opts: PackOptions): PackedBatch {
  const blob = new BlobBuilder();
  const executing = new Set(calls.map((c) => addressKey(c.address)));
  const tables = buildStateTables(state, executing, blob);
  const words = new Uint32Array(Math.max(1, calls.length) * CALL.words);
  // Bitmaps are shared by every call running the same code: one upload per code.
  const codeAt = new Map<Uint8Array, { code: number; bitmap: number }>();
  const bitmapAt = new Map<Uint32Array, number>();
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

    let code = codeAt.get(c.code);
    if (!code) {
      const bitmap = jumpdests(c.code, block);
      let b = bitmapAt.get(bitmap);
      if (b === undefined) bitmapAt.set(bitmap, (b = blob.u32s(bitmap)));
      code = { code: blob.sharedBytes(c.code), bitmap: b };
      codeAt.set(c.code, code);
    }
    words[at + o.codeAt] = code.code;
    words[at + o.codeLen] = c.code.length;
    words[at + o.jumpdestsAt] = code.bitmap;
    // A create's input is its init code, which runs as code; CALLDATA is empty.
    const data = c.isCreate ? new Uint8Array(0) : c.data;
    words[at + o.dataAt] = blob.bytes(data);
    words[at + o.dataLen] = data.length;
    words[at + o.isCreate] = c.isCreate ? 1 : 0;

    const warm = blob.alloc(5 * c.warmAddresses.length);
    c.warmAddresses.forEach((a, k) => putAddress(blob.view(warm, 5 * c.warmAddresses.length), 5 * k, a));
    words[at + o.warmAddrsAt] = warm;
    words[at + o.warmAddrsCount] = c.warmAddresses.length;

    // Only the executing account's storage is reachable, so only its warm slots matter.
    const self = addressKey(c.address);
    const slots = c.warmSlots.filter((s) => addressKey(s.address) === self);
    const slotsAt = blob.alloc(8 * slots.length);
    slots.forEach((s, k) => putU256(blob.view(slotsAt, 8 * slots.length), 8 * k, s.slot, `call ${i} warm slot`));
    words[at + o.warmSlotsAt] = slotsAt;
    words[at + o.warmSlotsCount] = slots.length;

    const hashesAt = blob.alloc(8 * c.blobVersionedHashes.length);
    c.blobVersionedHashes.forEach((h, k) => putBytesAsU256(blob.view(hashesAt, 8 * c.blobVersionedHashes.length), 8 * k, h));
    words[at + o.blobHashesAt] = hashesAt;
    words[at + o.blobHashesCount] = c.blobVersionedHashes.length;

    words[at + o.account] = tables.index.get(self) ?? 0xffffffff;
  });

  return { params: packParams(block, calls.length, tables, opts), calls: words, blob: blob.finish(), state: tables.words };
}
