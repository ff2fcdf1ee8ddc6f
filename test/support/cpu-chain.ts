import { Chain, type EngineSource } from '../../src/rollup/chain.js';
import { parseChainBlock, parseChainInit } from '../../src/wire/chain.js';
import { BlockStream, genesis } from './chain-blocks.js';

/** A chain in `dir` (rollback window 8) with the genesis and blocks 1..`blocks` of stream (3, 4) applied on the `cpu` engine. */
export async function cpuChain(dir: string, engines: EngineSource, blocks = 4n): Promise<{ chain: Chain; stream: BlockStream }> {
  const chain = new Chain({ dir, rollbackDepth: 8, stateCacheBytes: 1 << 20 }, engines);
  await chain.init(parseChainInit(genesis()));
  const stream = new BlockStream(3, 4);
  for (let n = 1n; n <= blocks; n++) {
    const b = parseChainBlock(stream.block(n, 1000n + 12n * n));
    b.options.engine = 'cpu';
    await chain.apply(b);
  }
  return { chain, stream };
}
