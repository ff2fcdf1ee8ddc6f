/**
 * Host-side conversions between EVM values and the kernel's u32 words: a u256 is 8
 * little-endian limbs, an address the low 5 limbs of its u256, bytes are packed 4 per
 * word little-endian (a Uint8Array viewed as Uint32Array on a little-endian host).
 */
const MASK_32 = 0xffffffffn;
const TWO_256 = 1n << 256n;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const TWO_32 = 4294967296;
const SHIFTS = Array.from({ length: 8 }, (_, i) => BigInt(32 * i));

// Most values the host packs and unpacks (balances, nonces, counters, small slots) fit
// a double exactly: one Number conversion instead of eight BigInt shifts.
export function putU256(dst: Uint32Array, at: number, v: bigint, what = 'value'): void {
  if (v < 0n || v >= TWO_256) throw new RangeError(`${what} out of 256-bit range: ${v}`);
  if (v <= MAX_SAFE) {
    const n = Number(v);
    dst[at] = n % TWO_32;
    dst[at + 1] = Math.floor(n / TWO_32);
    dst.fill(0, at + 2, at + 8);
    return;
  }
  for (let i = 0; i < 8; i++) dst[at + i] = Number((v >> SHIFTS[i]) & MASK_32);
}

export function getU256(src: Uint32Array, at: number): bigint {
  const hi = src[at + 1];
  if ((src[at + 2] | src[at + 3] | src[at + 4] | src[at + 5] | src[at + 6] | src[at + 7]) === 0) {
    return hi < 0x200000 ? BigInt(hi * TWO_32 + src[at]) : (BigInt(hi) << 32n) | BigInt(src[at]);
  }
  // Four 64-bit halves, then three wide shifts: half the BigInt operations of limb by limb.
  const a = (BigInt(src[at + 7]) << 32n) | BigInt(src[at + 6]);
  const b = (BigInt(src[at + 5]) << 32n) | BigInt(src[at + 4]);
  const c = (BigInt(src[at + 3]) << 32n) | BigInt(src[at + 2]);
  const d = (BigInt(hi) << 32n) | BigInt(src[at]);
  return (((((a << 64n) | b) << 64n) | c) << 64n) | d;
}

/** Big-endian bytes (up to 32) as the limbs of the number they spell. */
export function putBytesAsU256(dst: Uint32Array, at: number, bytes: Uint8Array): void {
  if (bytes.length > 32) throw new RangeError(`word of ${bytes.length} bytes`);
  for (let i = 0; i < 8; i++) dst[at + i] = 0;
  for (let j = 0; j < bytes.length; j++) {
    const k = bytes.length - 1 - j; // byte significance
    dst[at + (k >> 2)] |= bytes[j] << ((k & 3) * 8);
  }
  for (let i = 0; i < 8; i++) dst[at + i] >>>= 0;
}

export function putAddress(dst: Uint32Array, at: number, address: Uint8Array): void {
  if (address.length !== 20) throw new RangeError(`address of ${address.length} bytes`);
  for (let i = 0; i < 5; i++) {
    const b = 16 - 4 * i;
    dst[at + i] = ((address[b] << 24) | (address[b + 1] << 16) | (address[b + 2] << 8) | address[b + 3]) >>> 0;
  }
}

/** `words` u32 words from `src[at]`, least significant word first, as big-endian bytes. */
function bigEndianBytes(src: Uint32Array, at: number, words: number): Uint8Array {
  const out = new Uint8Array(4 * words);
  for (let i = 0; i < words; i++) {
    const w = src[at + i];
    const b = 4 * (words - 1 - i);
    out[b] = w >>> 24;
    out[b + 1] = (w >>> 16) & 0xff;
    out[b + 2] = (w >>> 8) & 0xff;
    out[b + 3] = w & 0xff;
  }
  return out;
}

export function getAddress(src: Uint32Array, at: number): Uint8Array {
  return bigEndianBytes(src, at, 5);
}

/** A u256 as 32 big-endian bytes (log topics). */
export function u256Bytes(src: Uint32Array, at: number): Uint8Array {
  return bigEndianBytes(src, at, 8);
}

export function addressKey(address: Uint8Array): string {
  return `0x${Buffer.from(address.buffer, address.byteOffset, address.byteLength).toString('hex')}`;
}

// The kernel's table hash (kernels/interpreter/state.wgsl): xor, multiply, fold.
function mix(h: number, w: number): number {
  const x = Math.imul((h ^ w) >>> 0, 0x9e3779b1) >>> 0;
  return (x ^ (x >>> 15)) >>> 0;
}

export function hashAddress(words: Uint32Array, at: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 5; i++) h = mix(h, words[at + i]);
  return h;
}

export function hashSlot(tag: number, words: Uint32Array, at: number): number {
  let h = mix(0x811c9dc5, tag);
  for (let i = 0; i < 8; i++) h = mix(h, words[at + i]);
  return h;
}
