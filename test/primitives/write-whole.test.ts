import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeWhole } from '../../src/primitives/write-whole.js';

describe('writeWhole', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const dir = () => (dirs.push(mkdtempSync(join(tmpdir(), 'write-whole-'))), dirs[dirs.length - 1]);

  it('replaces the file and leaves nothing else in the directory', () => {
    const d = dir();
    writeWhole(join(d, 'a.bin'), Uint8Array.of(1, 2, 3));
    writeWhole(join(d, 'a.bin'), 'second');
    expect(readFileSync(join(d, 'a.bin'), 'utf8')).toBe('second');
    expect(readdirSync(d)).toEqual(['a.bin']);
  });

  it('throws where it cannot write, leaving no temporary file', () => {
    const d = dir();
    expect(() => writeWhole(join(d, 'missing', 'a.bin'), 'x')).toThrow();
    // The rename onto a directory fails after the temporary file was written: it is removed.
    mkdirSync(join(d, 'target'));
    writeWhole(join(d, 'target', 'inside'), 'x');
    expect(() => writeWhole(join(d, 'target'), 'x')).toThrow();
    expect(readdirSync(d)).toEqual(['target']);
  });
});
