import type { Hex } from '../model/shapes.js';
import { contentKey } from '../primitives/content-key.js';
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
 * Long texts are keyed by their SHA-256 (primitives/content-key.ts): keyed by the text,
 * 2,000 distinct 22 KB codes of one length took 12 s to insert (node 20).
 * Code arrays are never written to (primitives/code-hash.ts), so sharing them is safe.
 */
export class CodeTable {
  private readonly held: GenerationalCache<string, Uint8Array>;

  /** Holds at most `maxBytes` of code and keys (unbounded for one batch's table). */
  constructor(maxBytes = Infinity) {
    this.held = new GenerationalCache(maxBytes);
  }

  code(hex: Hex): Uint8Array {
    const key = contentKey(hex);
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

/** The registry's table: a service's hot contracts stay, a few blocks' worth of code at most. */
export const SHARED_CODE_BYTES = 64 << 20;
