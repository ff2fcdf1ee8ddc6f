import { createHash } from 'node:crypto';

/**
 * A Map key for a byte string's content (bytes, or a hex text): the content itself when
 * short, else its SHA-256 (native, about 1 GB/s). Maps keyed by long strings degrade:
 * V8 hashes a string of more than 16,383 characters by its length alone, so contents of
 * one length (a factory's init codes that differ only in their constructor arguments,
 * Uniswap v3 pools that differ only in their immutables) all collide, and each lookup
 * compares with every held key: 600 distinct 22 KB codes took over a second to place.
 * The two kinds of key carry different first characters, so they never meet.
 */
export function contentKey(content: Uint8Array | string): string {
  const short = typeof content === 'string' ? content.length <= SHORT_CHARS : content.length <= SHORT_CHARS / 2;
  if (short) return typeof content === 'string' ? `=${content}` : `=${Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('latin1')}`;
  const h = createHash('sha256');
  if (typeof content === 'string') h.update(content, 'latin1');
  else h.update(content);
  return `#${h.digest('base64')}`;
}

/** Contents up to this many characters (or half as many bytes) key themselves: V8 hashes them in full, faster than a digest. */
const SHORT_CHARS = 1024;
