import { describe, expect, it } from 'vitest';
import { mainnetCases } from '../../bench/workloads/mainnet.js';
import type { Hex } from '../../src/model/shapes.js';
import { bytesToHex } from '../../src/primitives/hex.js';
import { CodeTable } from '../../src/wire/code-table.js';
import { parseBatch } from '../../src/wire/parse.js';

const hexOf = (bytes: Uint8Array) => bytesToHex(bytes);

describe('CodeTable', () => {
  it('gives one array per code text across batches parsed with it, and fresh arrays to batches without it', () => {
    const c = mainnetCases({ dir: '../shared/fixtures/mainnet-blocks' }).find((m) => m.block === 19426587n)!;
    const codes = new CodeTable();
    const [a, b, alone] = [parseBatch(c.batch, codes), parseBatch(c.batch, codes), parseBatch(c.batch)];
    let compared = 0;
    for (const [addr, acct] of a.pre) {
      if (acct.code.length === 0) continue;
      expect(b.pre.get(addr)!.code).toBe(acct.code);
      expect(alone.pre.get(addr)!.code).not.toBe(acct.code);
      expect(alone.pre.get(addr)!.code).toEqual(acct.code);
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });

  it('keeps long codes of one length apart, each with its own bytes', () => {
    // V8 hashes strings over 16,383 characters by their length: keyed by text, these would all collide.
    const base = 'ab'.repeat(11_000);
    const texts = Array.from({ length: 600 }, (_, i): Hex => `0x${base.slice(0, -8)}${i.toString(16).padStart(8, '0')}`);
    const codes = new CodeTable();
    const arrays = texts.map((h) => codes.code(h));
    const again = texts.map((h) => codes.code(`${h} `.trimEnd() as Hex));
    texts.forEach((h, i) => {
      expect(hexOf(arrays[i])).toBe(h);
      expect(again[i]).toBe(arrays[i]);
    });
    expect(new Set(arrays).size).toBe(600);
  });

  it('holds at most its budget of bytes, and a code dropped from it parses to equal bytes again', () => {
    const codes = new CodeTable(64 << 10);
    const texts = Array.from({ length: 64 }, (_, i): Hex => `0x${i.toString(16).padStart(2, '0').repeat(2048)}`);
    const first = texts.map((h) => codes.code(h));
    expect(codes.bytes).toBeLessThanOrEqual(64 << 10);
    expect(codes.code(texts[0])).not.toBe(first[0]);
    expect(codes.code(texts[0])).toEqual(first[0]);
    expect(codes.code(texts[63])).toBe(first[63]);
  });
});
