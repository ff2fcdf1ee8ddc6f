import { describe, expect, it } from 'vitest';
import { BlobBuilder } from '../../src/gpu/blob.js';
import { contentKey } from '../../src/primitives/content-key.js';

describe('contentKey', () => {
  it('is equal for equal content and differs for any other, short or long, bytes or text', () => {
    const long = (last: number) => {
      const b = new Uint8Array(30_000).fill(7);
      b[b.length - 1] = last;
      return b;
    };
    expect(contentKey(long(1))).toBe(contentKey(long(1)));
    expect(contentKey(long(1))).not.toBe(contentKey(long(2)));
    expect(contentKey(Uint8Array.of(1, 2, 3))).toBe(contentKey(Uint8Array.of(1, 2, 3)));
    expect(contentKey(Uint8Array.of(1, 2, 3))).not.toBe(contentKey(Uint8Array.of(1, 2, 4)));
    expect(contentKey(`0x${'ab'.repeat(20_000)}`)).toBe(contentKey(`0x${'ab'.repeat(20_000)}`));
    expect(contentKey(`0x${'ab'.repeat(20_000)}`)).not.toBe(contentKey(`0x${'ab'.repeat(19_999)}ac`));
    // A short content that spells a digest key is still not that key.
    const digest = contentKey(long(1));
    expect(contentKey(Uint8Array.from(Buffer.from(digest, 'latin1')))).not.toBe(digest);
    expect(contentKey(digest)).not.toBe(digest);
  });

  it('lets the blob store equal code once and codes of one length apart', () => {
    const blob = new BlobBuilder();
    const codes = Array.from({ length: 300 }, (_, i) => {
      const c = new Uint8Array(20_000).fill(0x5b);
      c[19_999] = i & 0xff;
      c[19_998] = i >> 8;
      return c;
    });
    const at = codes.map((c) => blob.sharedBytes(c));
    expect(new Set(at).size).toBe(300);
    expect(codes.map((c) => blob.sharedBytes(c.slice()))).toEqual(at);
    const words = blob.finish();
    const bytes = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
    codes.forEach((c, i) => expect(bytes.subarray(at[i] * 4, at[i] * 4 + c.length)).toEqual(c));
  });
});
