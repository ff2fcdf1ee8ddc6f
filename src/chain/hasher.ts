import { keccak_256 } from '@noble/hashes/sha3.js';

/**
 * keccak-256 of many independent inputs at once. Roots, blooms and hashed trie keys
 * are computed level by level through one of these, so the same code runs on the CPU
 * (@noble/hashes) or hands each level to the GPU in one dispatch.
 */
export type BatchHasher = (inputs: Uint8Array[]) => Promise<Uint8Array[]>;

export const cpuHasher: BatchHasher = async (inputs) => inputs.map((x) => keccak_256(x));
