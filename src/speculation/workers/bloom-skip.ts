import type { RawLog } from '../../engine/executed-tx.js';

/** What runTx's bloom gets for a log item: Bloom.add only reads the digest's first six bytes, through its own buffer. */
const UNUSED_DIGEST = new Uint8Array(32);

/**
 * Leaves the receipt's bloom out of ethereumjs's runTx, for the speculation engine's
 * CPU executor. runTx ends by hashing every log's address and topics for the bloom
 * (`txLogsBloom`, through `common.customCrypto.keccak256`); the engine makes every
 * receipt's bloom itself, in one batch of hashes at the end of the block (chain/bloom-batch.ts,
 * on the GPU where it has one). An NFT mint's 10,001 logs in mainnet block 15537394 cost
 * the CPU worker about 85 of the transaction's 135 ms in that bloom, while the commit
 * waited for it.
 *
 * Once the outermost call returns, `expect` is given its logs. The keccak function then
 * answers an unused digest to exactly those arrays, by identity and in the order
 * runTx hashes them (each log's address, then its topics), and hashes anything else, so
 * no other digest can be touched. runTx's bloom is then meaningless: the executor leaves
 * it out of the ExecutedTx (cpu-executor.ts), and the commit defers the receipt's bloom
 * to the batch (commit.ts). Were runTx ever to hash the logs otherwise, the items would
 * simply be hashed: only time depends on the match.
 */
export class BloomSkip {
  private items: Uint8Array[] = [];
  private at = 0;
  /** Arrays answered with the unused digest, over every transaction. */
  skipped = 0;

  /** The logs the transaction's bloom is about to hash. */
  expect(logs: readonly RawLog[] | undefined): void {
    const items: Uint8Array[] = [];
    for (const [address, topics] of logs ?? []) items.push(address, ...topics);
    this.items = items;
    this.at = 0;
  }

  /** Stops matching (the transaction is over). */
  clear(): void {
    this.items = [];
    this.at = 0;
  }

  /** `keccak`, except for the expected log items. */
  wrap(keccak: (data: Uint8Array) => Uint8Array): (data: Uint8Array) => Uint8Array {
    return (data) => {
      if (this.at < this.items.length && data === this.items[this.at]) {
        this.at++;
        this.skipped++;
        return UNUSED_DIGEST;
      }
      return keccak(data);
    };
  }
}
