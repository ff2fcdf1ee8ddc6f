import { ReferenceEngine } from '../../src/engine/reference.js';
import type { ChainBlock, ChainInit } from '../../src/model/chain.js';
import type { Account, BatchResult } from '../../src/model/shapes.js';
import { cloneAlloc } from '../../src/t8n/alloc.js';
import { applyStateDiff } from '../../src/t8n/post-alloc.js';

/**
 * The oracle for a chain: the reference engine run from scratch on each block with the
 * whole state materialised as its pre-state (state root included), the state carried
 * from block to block through the reference's own state diff.
 */
export class ReferenceChain {
  private readonly reference = new ReferenceEngine();
  state: Map<string, Account>;
  /** Block hashes the chain reported, for BLOCKHASH. */
  readonly hashes = new Map<bigint, Uint8Array>();

  constructor(private readonly init: ChainInit) {
    this.state = cloneAlloc(init.alloc);
  }

  clone(): ReferenceChain {
    const c = new ReferenceChain(this.init);
    c.state = cloneAlloc(this.state);
    for (const [k, v] of this.hashes) c.hashes.set(k, v);
    return c;
  }

  async apply(b: ChainBlock): Promise<BatchResult> {
    const blockHashes = new Map([...this.hashes].filter(([k]) => k < b.number && k >= b.number - 256n));
    const env = { ...b.env, number: b.number, chainId: this.init.chainId, blockHashes };
    const r = await this.reference.execute({ fork: this.init.fork, env, pre: this.state, txs: b.txs, options: { stateRoot: true } });
    this.state = applyStateDiff(this.state, r.stateDiff);
    return r;
  }
}
