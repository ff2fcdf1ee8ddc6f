import { createHash } from 'node:crypto';
import type { Hex } from '../model/shapes.js';
import { GenerationalCache } from '../primitives/generational-cache.js';
import { hexToBytes } from '../primitives/hex.js';

/**
 * Code arrays by their text. Everything keyed by a code array's identity (its keccak
 * hash, its JUMPDEST bitmap, its compiled program, its place in a GPU upload) is worked
 * out once per array, so accounts that hold the same code should hold the same array:
 * within a batch (a factory's pairs, proxies), and across batches where the table is
 * the registry's (the same routers, tokens and pools come back block after block).
 * Keccak over a mainnet block's code is 10-74 ms on the main thread (the nine EDR
 * blocks: 0.24-1.8 MB each).
 *
 * Long texts are keyed by their SHA-256 (native, about 1 GB/s), not by the text: V8
 * hashes a string of more than 16,383 characters by its length alone, so a Map keyed by
 * codes of one length (Uniswap v3 pools differ only in their immutables) compares each
 * lookup with every held text: 2,000 distinct 22 KB codes took 12 s to insert (node 20).
 * Code arrays are never written to (primitives/code-hash.ts), so sharing them is safe.
 */
export class CodeTable {
  private readonly held: GenerationalCache<string, Uint8Array>;

  /** Holds at most `maxBytes` of code and keys (unbounded for one batch's table). */
  constructor(maxBytes = Infinity) {
    this.held = new GenerationalCache(maxBytes);
  }

  code(hex: Hex): Uint8Array {
    const key = hex.length <= SHORT_TEXT ? hex : createHash('sha256').update(hex, 'latin1').digest('base64');
    let code = this.held.get(key);
    if (!code) {
      code = hexToBytes(hex);
      this.held.set(key, code, code.length + key.length);
    }
    return code;
  }

  /** Bytes of code and keys held. */
  get bytes(): number {
    return this.held.units;
  }
}

/** Texts up to this length key themselves: V8 hashes them in full, faster than a digest. */
const SHORT_TEXT = 1024;

/** The registry's table: a service's hot contracts stay, a few blocks' worth of code at most. */
export const SHARED_CODE_BYTES = 64 << 20;
