import { bigIntToBytes } from '@ethereumjs/util';

/**
 * RLP of logs and receipts into one buffer sized up front: the generic encoder builds
 * every nested list as its own array and copies it into its parent, which dominated
 * logsHash and the receipts root on batches with tens of thousands of logs.
 */
type RawLog = [Uint8Array, Uint8Array[], Uint8Array];

/** A receipt from Byzantium on: status, cumulative gas, bloom, logs; typed ones prefixed with their type (EIP-2718). */
export function rlpReceipt(r: { status: 0 | 1; cumulativeBlockGasUsed: bigint; bitvector: Uint8Array; logs: RawLog[] }, txType: number): Uint8Array {
  const status = r.status === 0 ? new Uint8Array(0) : Uint8Array.of(1);
  const gas = bigIntToBytes(r.cumulativeBlockGasUsed);
  const logs = rlpLogs(r.logs);
  const payload = stringLength(status) + stringLength(gas) + stringLength(r.bitvector) + logs.length;
  const prefix = txType === 0 ? 0 : 1;
  const out = new Uint8Array(prefix + listHeaderLength(payload) + payload);
  if (prefix) out[0] = txType;
  let o = writeHeader(out, prefix, 0xc0, payload);
  o = writeString(out, o, status);
  o = writeString(out, o, gas);
  o = writeString(out, o, r.bitvector);
  out.set(logs, o);
  return out;
}

/** The RLP list of logs ([address, [topics...], data] each). */
export function rlpLogs(logs: RawLog[]): Uint8Array {
  const sizes = logs.map(([address, topics, data]) => {
    const topicsPayload = topics.reduce((n, t) => n + stringLength(t), 0);
    const payload = stringLength(address) + listHeaderLength(topicsPayload) + topicsPayload + stringLength(data);
    return { topicsPayload, payload };
  });
  const total = sizes.reduce((n, s) => n + listHeaderLength(s.payload) + s.payload, 0);
  const out = new Uint8Array(listHeaderLength(total) + total);
  let o = writeHeader(out, 0, 0xc0, total);
  logs.forEach(([address, topics, data], i) => {
    o = writeHeader(out, o, 0xc0, sizes[i].payload);
    o = writeString(out, o, address);
    o = writeHeader(out, o, 0xc0, sizes[i].topicsPayload);
    for (const t of topics) o = writeString(out, o, t);
    o = writeString(out, o, data);
  });
  return out;
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
