import type { Common } from '@ethereumjs/common';
import { keccak256 } from '../../primitives/keccak.js';

/**
 * Keccak-256 for the CPU executor's ethereumjs, with the digests of short inputs kept.
 *
 * ethereumjs hashes through `common.customCrypto.keccak256` where it is set, the
 * KECCAK256 opcode among others, and repeats itself: a token's mapping slots are
 * hashed again for every read and write of the same balance. (runTx's bloom hashes
 * go through it too, but the executor skips those: bloom-skip.ts.)
 *
 * Only inputs of at most 64 bytes are kept (a word, an address, a mapping key and
 * slot), at most `limit` of them: a full table starts again empty. Each digest is a
 * Uint8Array of its own (the bloom reads it through its `.buffer`) that no caller
 * writes to.
 */
export function memoKeccak(limit = 1 << 14): (data: Uint8Array) => Uint8Array {
  const kept = new Map<string, Uint8Array>();
  return (data: Uint8Array): Uint8Array => {
    if (data.length > 64) return keccak256(data);
    const key = String.fromCharCode.apply(null, data as unknown as number[]);
    let digest = kept.get(key);
    if (digest === undefined) {
      if (kept.size >= limit) kept.clear();
      kept.set(key, (digest = keccak256(data)));
    }
    return digest;
  };
}

/** Sets the memoised hash on a Common (its copies share `customCrypto`, so every VM, EVM and transaction made from it uses it). */
export function useMemoKeccak(common: Common): void {
  common.customCrypto.keccak256 = memoKeccak();
}
