import type { DiffAccount, StateDiff } from '../model/shapes.js';
import { bytesToBigint } from '../primitives/hex.js';

/**
 * Results are kept v8-serialized as they were made: the chain's block records, and the
 * distributed mode's result records. Those written before the state diff held its slots
 * as numbers (`DiffStorage`, a Map) hold them as 0x-hex keys to 32-byte values; they are
 * read as the Map, in the same (ascending) order, so a data directory or a results
 * bucket from before keeps answering, and replays byte for byte.
 */
export function storedDiff(d: StateDiff): StateDiff {
  const upgrade = (side: Record<string, DiffAccount>) => {
    for (const a of Object.values(side)) {
      const s = a.storage as unknown;
      if (s !== undefined && !(s instanceof Map)) {
        a.storage = new Map(Object.entries(s as Record<string, Uint8Array>).map(([k, v]) => [BigInt(k), bytesToBigint(v)]));
      }
    }
  };
  upgrade(d.pre);
  upgrade(d.post);
  return d;
}
