import type { BatchHasher } from './hasher.js';

/**
 * Log blooms filled in one batch of hashes at the end of a block instead of three
 * keccaks per log as each transaction commits. A receipt's bloom is handed out empty
 * and filled in place by fill(), before anything reads it.
 */
export class BloomBatch {
  private readonly pending: { bloom: Uint8Array; items: Uint8Array[] }[] = [];

  /** An empty bloom for these logs' addresses and topics, filled by fill(). */
  defer(logs: [address: Uint8Array, topics: Uint8Array[], data: Uint8Array][]): Uint8Array {
    const bloom = new Uint8Array(256);
    const items: Uint8Array[] = [];
    for (const [address, topics] of logs) items.push(address, ...topics);
    if (items.length > 0) this.pending.push({ bloom, items });
    return bloom;
  }

  async fill(hash: BatchHasher): Promise<void> {
    const digests = await hash(this.pending.flatMap((p) => p.items));
    let k = 0;
    for (const { bloom, items } of this.pending) {
      for (let n = 0; n < items.length; n++) setBits(bloom, digests[k++]);
    }
    this.pending.length = 0;
  }
}

/** The yellow paper's M3:2048: three 11-bit indices from the first six bytes of the hash. */
function setBits(bloom: Uint8Array, h: Uint8Array): void {
  for (let i = 0; i < 6; i += 2) {
    const bit = ((h[i] << 8) | h[i + 1]) & 2047;
    bloom[255 - (bit >> 3)] |= 1 << (bit & 7);
  }
}
