import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTx, type TypedTxData } from '@ethereumjs/tx';
import { bytesToHex } from '@ethereumjs/util';
import { makeCommon } from '../../src/chain/common.js';
import { unsignedTx, type RpcTx } from '../../src/conformance/mainnet-block.js';
import type { Fork } from '../../src/model/fork.js';
import type { Hex, WireBatch } from '../../src/model/shapes.js';

type RecordedTx = RpcTx & { v: Hex; r: Hex; s: Hex; hash: Hex };

/**
 * A recorded mainnet block's batch in signed form: each transaction re-encoded with the
 * signature the block recorded for it (we have no keys, but the chain's own signatures need
 * none). Each re-encoding must hash to the recorded transaction hash, so the bytes are the
 * ones the chain included, not an approximation.
 */
export function recordedSignedBatch(dir: string, batch: WireBatch): WireBatch {
  const block = JSON.parse(readFileSync(join(dir, 'block.json'), 'utf8')) as { transactions: RecordedTx[] };
  if (block.transactions.length !== batch.txs.length) throw new Error(`${dir}: ${block.transactions.length} recorded transactions, the batch has ${batch.txs.length}`);
  const common = makeCommon(batch.fork as Fork, BigInt(batch.env.chainId));
  const txs = block.transactions.map((t) => {
    const u = unsignedTx(t);
    const data = { ...u, type: Number(u.type), gasLimit: u.gas, to: u.to ?? undefined, v: BigInt(t.v), r: BigInt(t.r), s: BigInt(t.s) };
    const tx = createTx(data as TypedTxData, { common });
    const hash = bytesToHex(tx.hash());
    if (hash !== t.hash.toLowerCase()) throw new Error(`${dir}: transaction ${t.hash} re-encodes to ${hash}`);
    return { raw: bytesToHex(tx.serialize()) as Hex };
  });
  return { ...batch, txs };
}
