import { bigIntToBytes } from '@ethereumjs/util';
import { headerSize, LIST, stringSize, writeHeader, writeString } from './rlp-write.js';

/**
 * RLP of logs and receipts into one buffer sized up front: the generic encoder builds
 * every nested list as its own array and copies it into its parent, which dominated
 * logsHash and the receipts root on batches with tens of thousands of logs.
 */
type RawLog = [Uint8Array, Uint8Array[], Uint8Array];

export type PostByzantiumReceipt = { status: 0 | 1; cumulativeBlockGasUsed: bigint; bitvector: Uint8Array; logs: RawLog[] };

/** A receipt from Byzantium on: status, cumulative gas, bloom, logs; typed ones prefixed with their type (EIP-2718). */
export function rlpReceipt(r: PostByzantiumReceipt, txType: number): Uint8Array {
  const out = new Uint8Array(receiptSize(r, txType));
  writeReceipt(out, 0, r, txType);
  return out;
}

/** rlpReceipt's length. */
export function receiptSize(r: PostByzantiumReceipt, txType: number): number {
  // The status is one byte either way.
  const payload = 1 + stringSize(bigIntToBytes(r.cumulativeBlockGasUsed)) + stringSize(r.bitvector) + logsSize(r.logs);
  return (txType === 0 ? 0 : 1) + headerSize(payload) + payload;
}

/** Writes rlpReceipt(r, txType) at `o` of `out`; returns where it ends. */
export function writeReceipt(out: Uint8Array, o: number, r: PostByzantiumReceipt, txType: number): number {
  const gas = bigIntToBytes(r.cumulativeBlockGasUsed);
  const logs = logsPayload(r.logs);
  const payload = 1 + stringSize(gas) + stringSize(r.bitvector) + headerSize(logs) + logs;
  if (txType !== 0) out[o++] = txType;
  o = writeHeader(out, o, payload, LIST);
  // Status: the empty string for 0, the byte 1 for 1.
  out[o++] = r.status === 0 ? 0x80 : 1;
  o = writeString(out, o, gas);
  o = writeString(out, o, r.bitvector);
  return writeLogs(out, o, r.logs, logs);
}

/** The RLP list of logs ([address, [topics...], data] each). */
export function rlpLogs(logs: RawLog[]): Uint8Array {
  const out = new Uint8Array(logsSize(logs));
  writeLogs(out, 0, logs);
  return out;
}

function topicsPayload(topics: Uint8Array[]): number {
  let n = 0;
  for (const t of topics) n += stringSize(t);
  return n;
}

function logPayload(address: Uint8Array, topics: Uint8Array[], data: Uint8Array): number {
  const t = topicsPayload(topics);
  return stringSize(address) + headerSize(t) + t + stringSize(data);
}

/** The logs' list payload: each log's encoding. */
function logsPayload(logs: RawLog[]): number {
  let total = 0;
  for (const [address, topics, data] of logs) {
    const payload = logPayload(address, topics, data);
    total += headerSize(payload) + payload;
  }
  return total;
}

function logsSize(logs: RawLog[]): number {
  const total = logsPayload(logs);
  return headerSize(total) + total;
}

/** `payload`: logsPayload(logs), where the caller has it. */
function writeLogs(out: Uint8Array, o: number, logs: RawLog[], payload = logsPayload(logs)): number {
  o = writeHeader(out, o, payload, LIST);
  for (const [address, topics, data] of logs) {
    o = writeHeader(out, o, logPayload(address, topics, data), LIST);
    o = writeString(out, o, address);
    o = writeHeader(out, o, topicsPayload(topics), LIST);
    for (const t of topics) o = writeString(out, o, t);
    o = writeString(out, o, data);
  }
  return o;
}
