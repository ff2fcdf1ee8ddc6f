import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProgramCache } from '../../src/compiler/cache.js';
import { COMPILER_VERSION } from '../../src/compiler/compile.js';
import { asm } from '../gpu/interpreter-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'evmgpu-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const code = asm('PUSH 1 PUSH 2 ADD PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN');
const lookup = (c: ProgramCache, o: Partial<Parameters<ProgramCache['lookup']>[2]> = {}) =>
  c.lookup(code, 'Prague', { isCreate: false, calls: 1, now: true, ...o });

describe('program cache', () => {
  it('keys by code hash, fork and compiler version', () => {
    expect(ProgramCache.key(code, 'Prague')).toMatch(new RegExp(`^[0-9a-f]{64}-Prague-v${COMPILER_VERSION}$`));
    expect(ProgramCache.key(code, 'Cancun')).not.toBe(ProgramCache.key(code, 'Prague'));
  });

  it('writes programs to disk and a fresh cache reads them back instead of compiling', () => {
    const first = new ProgramCache({ dir });
    const p = lookup(first)!;
    expect(first.report()[0].source).toBe('compiled');
    expect(readdirSync(dir).sort()).toEqual(['bin', 'json', 'txt'].map((e) => `${ProgramCache.key(code, 'Prague')}.${e}`));
    const second = new ProgramCache({ dir });
    const q = lookup(second)!;
    expect(second.report()[0].source).toBe('disk');
    expect([...q.words]).toEqual([...p.words]);
    expect(q.listing).toBe(p.listing);
  });

  it('a torn disk entry is a miss, recompiled', () => {
    writeFileSync(join(dir, `${ProgramCache.key(code, 'Prague')}.bin`), new Uint8Array(8));
    const c = new ProgramCache({ dir });
    expect(lookup(c)).toBeDefined();
    expect(c.report()[0].source).toBe('compiled');
  });

  it('records why a code is not compiled: rare, pending, init code, too large', () => {
    const c = new ProgramCache({ dir: false, maxCodeBytes: 1 << 10 });
    expect(lookup(c, { minCalls: 3 })).toBeUndefined();
    expect(c.report()[0].reason).toBe('rare');
    expect(lookup(c, { minCalls: 3, calls: 2, now: false })).toBeUndefined();
    expect(c.report()[0].reason).toBe('pending');
    c.drain();
    expect(c.report()[0].source).toBe('compiled');
    expect(c.lookup(asm('STOP'), 'Prague', { isCreate: true, calls: 1, now: true })).toBeUndefined();
    expect(c.lookup(new Uint8Array(2000), 'Prague', { isCreate: false, calls: 1, now: true })).toBeUndefined();
    expect(c.report().map((e) => e.reason ?? e.source)).toEqual(['compiled', 'create', 'too-large']);
  });
});
