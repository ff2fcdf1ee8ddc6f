/**
 * geth's t8n exits with ErrorMissingBlockhash (4) when BLOCKHASH asks for a block the
 * env's `blockHashes` does not list, where an engine would just answer zero. Engines
 * read the batch's hashes through `Map.get`, so a map that counts the misses tells
 * t8n what BLOCKHASH asked for without changing the engine.
 */
export class BlockHashWatch extends Map<bigint, Uint8Array> {
  readonly misses: bigint[] = [];

  override get(n: bigint): Uint8Array | undefined {
    const h = super.get(n);
    if (h === undefined) this.misses.push(n);
    return h;
  }

  /**
   * Misses that came from BLOCKHASH. The engine's pre-block system calls
   * (src/chain/system-calls.ts, EIP-2935) look up the parent's hash once before any
   * transaction runs; that lookup is not an opcode and is discounted.
   */
  opcodeMisses(blockNumber: bigint): bigint[] {
    const out = [...this.misses];
    const parent = out.indexOf(blockNumber - 1n);
    if (blockNumber > 0n && parent >= 0) out.splice(parent, 1);
    return out;
  }
}
