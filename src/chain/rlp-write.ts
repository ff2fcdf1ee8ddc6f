/**
 * RLP written straight into a caller's buffer, for the encoders that size their output
 * first (trie nodes, receipts, logs, state leaves): no array per item or nested list.
 */

/** RLP's header kinds: the byte of a short item (payload under 56 bytes) plus its length; a long one's is 0x37 more, plus the length's byte count. */
export const STRING = 0x80;
export const LIST = 0xc0;

function lengthBytes(len: number): number {
  let n = 0;
  for (let l = len; l > 0; l = Math.floor(l / 256)) n++;
  return n;
}

/** The header's length for a payload of `len` bytes. */
export function headerSize(len: number): number {
  return len < 56 ? 1 : 1 + lengthBytes(len);
}

/** Writes a string's or a list's header at `o`; returns where the payload starts. */
export function writeHeader(out: Uint8Array, o: number, len: number, kind: typeof STRING | typeof LIST): number {
  if (len < 56) {
    out[o] = kind + len;
    return o + 1;
  }
  const n = lengthBytes(len);
  out[o] = kind + 0x37 + n;
  for (let i = n, l = len; i >= 1; i--, l = Math.floor(l / 256)) out[o + i] = l & 255;
  return o + 1 + n;
}

/** A byte string's encoded length: a single byte below 0x80 is its own encoding. */
export function stringSize(bytes: Uint8Array): number {
  return bytes.length === 1 && bytes[0] < 0x80 ? 1 : headerSize(bytes.length) + bytes.length;
}

export function writeString(out: Uint8Array, o: number, bytes: Uint8Array): number {
  if (bytes.length === 1 && bytes[0] < 0x80) {
    out[o] = bytes[0];
    return o + 1;
  }
  o = writeHeader(out, o, bytes.length, STRING);
  out.set(bytes, o);
  return o + bytes.length;
}

/** Writes RLP(v) for 0 ≤ v < 2^256 (big-endian, no leading zeros; 0 is the empty string) at `o`; returns its length. */
export function writeScalar(out: Buffer, o: number, v: bigint): number {
  if (v < 0x80n) {
    out[o] = v === 0n ? 0x80 : Number(v);
    return 1;
  }
  let hex = v.toString(16);
  if (hex.length & 1) hex = '0' + hex;
  out[o] = 0x80 + hex.length / 2;
  return 1 + out.write(hex, o + 1, hex.length / 2, 'hex');
}

/** Writes RLP(i) for a safe integer i ≥ 0 (as @ethereumjs/rlp encodes a number) at `o`; returns where it ends. */
export function writeUint(out: Uint8Array, o: number, i: number): number {
  if (i === 0) {
    out[o] = 0x80;
    return o + 1;
  }
  if (i < 0x80) {
    out[o] = i;
    return o + 1;
  }
  const n = lengthBytes(i);
  out[o] = STRING + n;
  for (let k = n; k >= 1; k--, i = Math.floor(i / 256)) out[o + k] = i & 255;
  return o + 1 + n;
}

/** An RLP item: a byte string, or a list of items. */
export type RlpItem = Uint8Array | RlpItem[];

function payloadSize(list: RlpItem[]): number {
  let size = 0;
  for (const x of list) size += itemSize(x);
  return size;
}

/** RLP(item)'s length. */
export function itemSize(item: RlpItem): number {
  if (item instanceof Uint8Array) return stringSize(item);
  const payload = payloadSize(item);
  return headerSize(payload) + payload;
}

/** Writes RLP(item) at `o`; returns where it ends. */
export function writeItem(out: Uint8Array, o: number, item: RlpItem): number {
  if (item instanceof Uint8Array) return writeString(out, o, item);
  o = writeHeader(out, o, payloadSize(item), LIST);
  for (const x of item) o = writeItem(out, o, x);
  return o;
}

/**
 * RLP(item) after a `prefix` of bytes (an EIP-2718 type byte), sized first and written
 * into one buffer: @ethereumjs/rlp's encode makes an array per list and concatenates,
 * which was most of a 1,000-transaction block's transactions root.
 */
export function encodeItem(item: RlpItem, prefix: number[] = []): Uint8Array {
  const out = new Uint8Array(prefix.length + itemSize(item));
  out.set(prefix);
  writeItem(out, prefix.length, item);
  return out;
}
