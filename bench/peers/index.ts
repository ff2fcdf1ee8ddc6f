import type { BatchResult, Hex, WireBatch } from '../../src/model/shapes.js';
import { checkReceipts, checkState } from './check.js';
import { EDR_VERSION, edrCannotRun, executeOnEdr, providerFor } from './edr.js';

/**
 * Peers: other EVM implementations measured on the same batches, outside our engine
 * registry. A peer takes the batch in signed form and the reference's result for it, and
 * throws unless its own outcome matches that result.
 */
export interface PeerRun {
  ms: number;
  phasesMs: Record<string, number>;
  gasUsed: bigint;
  failedTxs: number;
}

export interface Peer {
  name: string;
  description: string;
  /** Why the peer cannot run this (unsigned) batch, or undefined when it can; `signed`, its signed form, where there is one. */
  cannotRun(batch: WireBatch, signed?: WireBatch): string | undefined;
  run(signed: WireBatch, reference: BatchResult): Promise<PeerRun>;
}

/** Thrown when a peer ran but its outcome differs from the reference's. */
export class PeerMismatch extends Error {}

const edrPeer: Peer = {
  name: 'edr',
  description: `@nomicfoundation/edr ${EDR_VERSION} (revm): signed raw transactions, eth_sendRawTransaction in one JSON-RPC batch, evm_mine, receipts`,
  cannotRun: edrCannotRun,
  async run(signed, reference) {
    const raws = signed.txs.map((t, i) => {
      if (!('raw' in t)) throw new Error(`tx ${i} is not signed: EDR takes raw transactions only`);
      return t.raw as Hex;
    });
    // Setup, outside the clock: the provider, its genesis state and storage.
    const provider = await providerFor(signed);
    const timed = await executeOnEdr(provider, raws, signed.env.timestamp);
    const difference = checkReceipts(timed.receipts, reference, BigInt(signed.env.number)) ?? await checkState(provider, reference);
    if (difference !== undefined) throw new PeerMismatch(difference);
    const last = timed.receipts.at(-1);
    return {
      ms: timed.ms,
      phasesMs: timed.phasesMs,
      gasUsed: last ? BigInt(last.cumulativeGasUsed) : 0n,
      failedTxs: timed.receipts.filter((r) => r !== null && BigInt(r.status) !== 1n).length,
    };
  },
};

export const PEERS: readonly Peer[] = [edrPeer];
export const PEER_NAMES = PEERS.map((p) => p.name);

export function peer(name: string): Peer | undefined {
  return PEERS.find((p) => p.name === name);
}
