import { keccak256 } from '../primitives/keccak.js';

/**
 * keccak-256 of many independent inputs at once. Roots, blooms and hashed trie keys
 * are computed level by level through one of these, so the same code runs on the CPU
 * (primitives/keccak.ts) or hands each level to the GPU in one dispatch.
 */
export interface BatchHasher {
  (inputs: Uint8Array[]): Promise<Uint8Array[]>;
  /**
   * The same digests for spans of one buffer, back to back in one array: no array per
   * input or digest. A state root of 10^5 accounts makes about 4·10^5 trie nodes, and
   * an array each made garbage collection a third of its time.
   */
  readonly spans?: SpanHasher;
}

/**
 * keccak-256 of `spans.length / 2` spans of `data`: span j starts `spans[2j]` bytes in
 * (a multiple of 4: the GPU reads words) and is `spans[2j+1]` bytes long. Digest j is
 * bytes [32j, 32j + 32) of the answer: of `out` where the caller gives one (at least
 * `16 * spans.length` bytes), which is then the answer, else of a new array. A trie
 * has every digest written into one array of its own: at 10^5 entries an array a
 * height, and a copy a dispatch, were external memory enough to start full marks of
 * the heap.
 */
export type SpanHasher = (data: Uint8Array, spans: Uint32Array, out?: Uint8Array) => Promise<Uint8Array>;

export const cpuHasher: BatchHasher = Object.assign(async (inputs: Uint8Array[]) => inputs.map((x) => keccak256(x)), {
  spans: async (data: Uint8Array, spans: Uint32Array, out?: Uint8Array) => hashSpansOnCpu(data, spans, out),
});

export function hashSpansOnCpu(data: Uint8Array, spans: Uint32Array, out: Uint8Array = new Uint8Array(spans.length * 16)): Uint8Array {
  for (let j = 0; j < spans.length / 2; j++) out.set(keccak256(data.subarray(spans[2 * j], spans[2 * j] + spans[2 * j + 1])), 32 * j);
  return out;
}

/** Spans through the hasher's own span form, or one array per input where it has none. */
export async function hashSpans(hash: BatchHasher, data: Uint8Array, spans: Uint32Array, out?: Uint8Array): Promise<Uint8Array> {
  if (hash.spans) return hash.spans(data, spans, out);
  const inputs: Uint8Array[] = [];
  for (let j = 0; j < spans.length / 2; j++) inputs.push(data.subarray(spans[2 * j], spans[2 * j] + spans[2 * j + 1]));
  const digests = out ?? new Uint8Array(spans.length * 16);
  (await hash(inputs)).forEach((d, j) => digests.set(d, 32 * j));
  return digests;
}

export const align4 = (n: number): number => (n + 3) & ~3;
