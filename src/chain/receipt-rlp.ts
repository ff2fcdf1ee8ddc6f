import { bigIntToBytes } from '@ethereumjs/util';

/**
 * RLP of logs and receipts into one buffer sized up front: the generic encoder builds
 * every nested list as its own array and copies it into its parent, which dominated
 * logsHash and the receipts root on batches with tens of thousands of logs.
 */
type RawLog = [Uint8Array, Uint8Array[], Uint8Array];

type PostByzantiumReceipt = { status: 0 | 1; cumulativeBlockGasUsed: bigint; bitvector: Uint8Array; logs: RawLog[] };

/** A receipt from Byzantium on: status, cumulative gas, bloom, logs; typed ones prefixed with their type (EIP-2718). */
export function rlpReceipt(r: PostByzantiumReceipt, txType: number): Uint8Array {
  const out = new Uint8Array(receiptSize(r, txType));
  writeReceipt(out, 0, r, txType);
  return out;
}

/** rlpReceipt's length. */
export function receiptSize(r: PostByzantiumReceipt, txType: number): number {
  // The status is one byte either way.
  const payload = 1 + stringLength(gasBytes(r.cumulativeBlockGasUsed)) + stringLength(r.bitvector) + logsSize(r.logs);
  return (txType === 0 ? 0 : 1) + listHeaderLength(payload) + payload;
}

/** Writes rlpReceipt(r, txType) at `o` of `out`; returns where it ends. */
export function writeReceipt(out: Uint8Array, o: number, r: PostByzantiumReceipt, txType: number): number {
  const gas = gasBytes(r.cumulativeBlockGasUsed);
  const payload = 1 + stringLength(gas) + stringLength(r.bitvector) + logsSize(r.logs);
  if (txType !== 0) out[o++] = txType;
  o = writeHeader(out, o, 0xc0, payload);
  // Status: the empty string for 0, the byte 1 for 1.
  out[o++] = r.status === 0 ? 0x80 : 1;
  o = writeString(out, o, gas);
  o = writeString(out, o, r.bitvector);
  return writeLogs(out, o, r.logs);
}

const gasBytes = (gas: bigint) => bigIntToBytes(gas);

/** The RLP list of logs ([address, [topics...], data] each). */
export function rlpLogs(logs: RawLog[]): Uint8Array {
  const out = new Uint8Array(logsSize(logs));
  writeLogs(out, 0, logs);
  return out;
}

function topicsPayload(topics: Uint8Array[]): number {
  let n = 0;
  for (const t of topics) n += stringLength(t);
  return n;
}

function logPayload(address: Uint8Array, topics: Uint8Array[], data: Uint8Array): number {
  const t = topicsPayload(topics);
  return stringLength(address) + listHeaderLength(t) + t + stringLength(data);
}

/** The logs' list payload: each log's encoding. */
function logsPayload(logs: RawLog[]): number {
  let total = 0;
  for (const [address, topics, data] of logs) {
    const payload = logPayload(address, topics, data);
    total += listHeaderLength(payload) + payload;
  }
  return total;
}

function logsSize(logs: RawLog[]): number {
  const total = logsPayload(logs);
  return listHeaderLength(total) + total;
}

function writeLogs(out: Uint8Array, o: number, logs: RawLog[]): number {
  o = writeHeader(out, o, 0xc0, logsPayload(logs));
  for (const [address, topics, data] of logs) {
    o = writeHeader(out, o, 0xc0, logPayload(address, topics, data));
    o = writeString(out, o, address);
    o = writeHeader(out, o, 0xc0, topicsPayload(topics));
    for (const t of topics) o = writeString(out, o, t);
    o = writeString(out, o, data);
  }
  return o;
}

const lengthOfLength = (n: number) => (n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4);
const listHeaderLength = (payload: number) => (payload < 56 ? 1 : 1 + lengthOfLength(payload));
const stringLength = (b: Uint8Array) => (b.length === 1 && b[0] < 0x80 ? 1 : (b.length < 56 ? 1 : 1 + lengthOfLength(b.length)) + b.length);

function writeHeader(out: Uint8Array, o: number, base: number, len: number): number {
  if (len < 56) {
    out[o] = base + len;
    return o + 1;
  }
  const n = lengthOfLength(len);
  out[o] = base + 55 + n;
  for (let i = n; i >= 1; i--, len = Math.floor(len / 256)) out[o + i] = len & 255;
  return o + 1 + n;
}

function writeString(out: Uint8Array, o: number, b: Uint8Array): number {
  if (b.length === 1 && b[0] < 0x80) {
    out[o] = b[0];
    return o + 1;
  }
  o = writeHeader(out, o, 0x80, b.length);
  out.set(b, o);
  return o + b.length;
}
