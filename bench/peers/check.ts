import type { BatchResult, Hex } from '../../src/model/shapes.js';
import type { EdrReceipt } from './edr.js';
import { batch, type RpcTransport } from './rpc.js';
import { wordToHex } from '../../src/primitives/hex.js';

const hex = (b: Uint8Array): string => `0x${Buffer.from(b).toString('hex')}`;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Every receipt against the reference's result for the same transaction: position, sender,
 * status, gas used, cumulative gas and logs. Returns the first difference, or undefined.
 */
export function checkReceipts(receipts: (EdrReceipt | null)[], reference: BatchResult, blockNumber: bigint): string | undefined {
  if (reference.rejected.length > 0) return `the reference rejected ${reference.rejected.length} transaction(s); a block cannot mirror that`;
  if (receipts.length !== reference.results.length) return `${receipts.length} receipts for ${reference.results.length} transactions`;
  for (const [i, ours] of reference.results.entries()) {
    const r = receipts[i];
    const at = `tx ${i}`;
    if (r === null) return `${at}: no receipt (not mined in the block)`;
    if (BigInt(r.blockNumber) !== blockNumber || BigInt(r.transactionIndex) !== BigInt(i)) return `${at}: mined at block ${r.blockNumber} index ${r.transactionIndex}`;
    if (!same(r.from, hex(ours.from))) return `${at}: sender ${r.from}, the reference has ${hex(ours.from)}`;
    if (BigInt(r.status) !== ours.status) return `${at}: status ${r.status}, the reference has ${ours.status}`;
    if (BigInt(r.gasUsed) !== ours.gasUsed) return `${at}: gasUsed ${BigInt(r.gasUsed)}, the reference has ${ours.gasUsed}`;
    if (BigInt(r.cumulativeGasUsed) !== ours.cumulativeGasUsed) return `${at}: cumulativeGasUsed ${BigInt(r.cumulativeGasUsed)}, the reference has ${ours.cumulativeGasUsed}`;
    const theirs = JSON.stringify(r.logs.map((l) => [l.address, l.topics, l.data]).flat(2)).toLowerCase();
    const mine = JSON.stringify(ours.logs.map((l) => [hex(l.address), l.topics.map(hex), hex(l.data)]).flat(2)).toLowerCase();
    if (theirs !== mine) return `${at}: logs differ from the reference's`;
  }
  return undefined;
}

/**
 * The post-state of every account the reference's state diff names: balance, nonce and every
 * slot it changed (slots in `pre` only were cleared; accounts in `pre` only were deleted), read
 * back from EDR's latest block. Returns the first difference, or undefined.
 */
export async function checkState(p: RpcTransport, reference: BatchResult): Promise<string | undefined> {
  const { pre, post } = reference.stateDiff;
  const addresses = [...new Set([...Object.keys(pre), ...Object.keys(post)])].sort();
  const expected: { what: string; method: string; params: unknown[]; value: bigint }[] = [];
  for (const address of addresses) {
    const before = pre[address];
    const after = post[address];
    const balance = after === undefined ? 0n : after.balance ?? before?.balance ?? 0n;
    const nonce = after === undefined ? 0n : after.nonce ?? before?.nonce ?? 0n;
    expected.push({ what: `${address} balance`, method: 'eth_getBalance', params: [address, 'latest'], value: balance });
    expected.push({ what: `${address} nonce`, method: 'eth_getTransactionCount', params: [address, 'latest'], value: nonce });
    const slots = new Set([...(before?.storage?.keys() ?? []), ...(after?.storage?.keys() ?? [])]);
    for (const slot of slots) {
      const at = wordToHex(slot);
      expected.push({ what: `${address} slot ${at}`, method: 'eth_getStorageAt', params: [address, at, 'latest'], value: after?.storage?.get(slot) ?? 0n });
    }
  }
  for (const method of ['eth_getBalance', 'eth_getTransactionCount', 'eth_getStorageAt']) {
    const asked = expected.filter((e) => e.method === method);
    const got = await batch<Hex>(p, method, asked.map((e) => e.params));
    for (const [i, e] of asked.entries()) {
      if (BigInt(got[i]) !== e.value) return `${e.what}: ${BigInt(got[i])} on EDR, ${e.value} on the reference`;
    }
  }
  return undefined;
}
