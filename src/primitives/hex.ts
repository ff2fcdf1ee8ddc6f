/** A 0x-prefixed hex string (bytes or a quantity), as on the wire. */
export type Hex = `0x${string}`;

/** Hex <-> bytes and quantities, following Ethereum JSON-RPC conventions. */

export function bytesToHex(b: Uint8Array): Hex {
  return `0x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')}`;
}

/** Caller has validated `h` as 0x + even-length hex. */
export function hexToBytes(h: string): Uint8Array {
  const buf = Buffer.from(h.slice(2), 'hex');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Quantity: compact hex, no leading zeros ("0x0" for zero). */
export function quantityToHex(v: bigint | number): Hex {
  return `0x${v.toString(16)}`;
}

export function hexToQuantity(h: string): bigint {
  return h.length <= 2 ? 0n : BigInt(h);
}

/** A 32-byte big-endian word as 0x + 64 hex digits (storage keys and values). */
export function wordToHex(v: bigint): Hex {
  return `0x${v.toString(16).padStart(64, '0')}`;
}

export function normalizeAddress(h: string): Hex {
  return h.toLowerCase() as Hex;
}

export function bigintToBytes32(v: bigint): Uint8Array {
  return hexToBytes(wordToHex(v));
}

export function bytesToBigint(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(bytesToHex(b));
}

/** Minimal big-endian bytes (empty for zero), as RLP wants integers. */
export function bigintToMinimalBytes(v: bigint): Uint8Array {
  if (v === 0n) return new Uint8Array();
  const h = v.toString(16);
  return Uint8Array.from(Buffer.from(h.length % 2 ? `0${h}` : h, 'hex'));
}
