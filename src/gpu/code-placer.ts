import { analyzeCode } from '../evm/code-analysis.js';
import { hexOf } from '../primitives/hex-of.js';
import type { BlobBuilder } from './blob.js';
import type { Fork } from '../model/fork.js';
import type { CodePlacer } from './state-tables.js';

/** JUMPDEST bitmaps by code identity, kept across dispatches while the code lives. */
const bitmaps = new WeakMap<Uint8Array, Map<Fork, Uint32Array>>();

function jumpdests(code: Uint8Array, fork: Fork): Uint32Array {
  let perFork = bitmaps.get(code);
  if (!perFork) bitmaps.set(code, (perFork = new Map()));
  let bitmap = perFork.get(fork);
  if (!bitmap) perFork.set(fork, (bitmap = analyzeCode(code, fork).jumpdests));
  return bitmap;
}

/**
 * Places code and its JUMPDEST bitmap in `blob` once per code, whichever calls or
 * accounts run it: by array identity, and for accounts that hold equal code (a factory's
 * pairs) by hash, without reading the code.
 */
export function codePlacer(blob: BlobBuilder, fork: Fork): CodePlacer {
  const placed = new Map<Uint8Array, { code: number; bitmap: number }>();
  const byHash = new Map<string, { code: number; bitmap: number }>();
  const bitmapAt = new Map<Uint32Array, number>();
  return (code, hash) => {
    let at = placed.get(code);
    if (at) return at;
    const key = hash && hexOf(hash);
    at = key === undefined ? undefined : byHash.get(key);
    if (!at) {
      const bitmap = jumpdests(code, fork);
      let b = bitmapAt.get(bitmap);
      if (b === undefined) bitmapAt.set(bitmap, (b = blob.u32s(bitmap)));
      at = { code: blob.sharedBytes(code), bitmap: b };
      if (key !== undefined) byHash.set(key, at);
    }
    placed.set(code, at);
    return at;
  };
}
