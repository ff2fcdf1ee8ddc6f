import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkWgsl, linkWgslSource, parseRequires, shadersRoot } from '../../src/gpu/wgsl-linker.js';

const root = mkdtempSync(join(tmpdir(), 'evmgpu-wgsl-'));
const put = (name: string, text: string) => {
  const file = join(root, `${name}.wgsl`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};

// A diamond (top -> left, right -> base), a cycle and a dangling requirement.
put('lib/base', 'fn base() -> u32 { return 1u; }\n');
put('lib/left', '//! requires: lib/base\nfn left() -> u32 { return base(); }\n');
put('lib/right', '// a comment before the header line is fine\n//! requires: lib/base\nfn right() -> u32 { return base() + 1u; }\n');
put('lib/top', '//! requires: lib/left\n//! requires: lib/right lib/base\nfn top() -> u32 { return left() + right(); }\n');
put('cyc/a', '//! requires: cyc/b\nfn a() {}\n');
put('cyc/b', '//! requires: cyc/c\nfn b() {}\n');
put('cyc/c', '//! requires: cyc/a\nfn c() {}\n');
put('cyc/self', '//! requires: cyc/self\nfn s() {}\n');
put('bad/dangling', '//! requires: lib/base lib/nope\nfn d() {}\n');
put('bad/late', 'fn early() {}\n//! requires: lib/base\n');

const at = (text: string, needle: string) => {
  const i = text.indexOf(needle);
  expect(i, `missing ${needle}`).toBeGreaterThanOrEqual(0);
  return i;
};
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('WGSL linker', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('orders dependencies before their users', () => {
    const out = linkWgsl('lib/top', { root });
    expect(at(out, 'fn base()')).toBeLessThan(at(out, 'fn left()'));
    expect(at(out, 'fn left()')).toBeLessThan(at(out, 'fn right()'));
    expect(at(out, 'fn right()')).toBeLessThan(at(out, 'fn top()'));
  });

  it('includes a module reached along several paths once', () => {
    const out = linkWgsl('lib/top', { root });
    expect(count(out, 'fn base()')).toBe(1);
    expect(count(out, '// ---- module lib/base ----')).toBe(1);
  });

  it('links a kernel source after the modules it requires', () => {
    const out = linkWgslSource('//! requires: lib/right lib/left\n@compute @workgroup_size(1) fn main() { _ = right() + left(); }', { root });
    expect(count(out, 'fn base()')).toBe(1);
    expect(at(out, 'fn right()')).toBeLessThan(at(out, 'fn left()'));
    expect(at(out, 'fn left()')).toBeLessThan(at(out, 'fn main()'));
  });

  it('returns a source without requirements unchanged apart from its banner', () => {
    const out = linkWgslSource('fn lone() {}', { root });
    expect(out).toContain('fn lone() {}');
    expect(out).not.toContain('module');
  });

  it('reports a cycle with its path', () => {
    expect(() => linkWgsl('cyc/a', { root })).toThrow('WGSL module cycle: cyc/a -> cyc/b -> cyc/c -> cyc/a');
    expect(() => linkWgsl('cyc/self', { root })).toThrow('WGSL module cycle: cyc/self -> cyc/self');
  });

  it('reports a missing module and who required it', () => {
    expect(() => linkWgsl('bad/dangling', { root })).toThrow(/WGSL module "lib\/nope" not found at .*lib[/\\]nope\.wgsl \(required by bad\/dangling\)/);
    expect(() => linkWgsl('nowhere', { root })).toThrow(/WGSL module "nowhere" not found/);
  });

  it('rejects a requires line below code and a name leaving the root', () => {
    expect(() => linkWgsl('bad/late', { root })).toThrow('bad/late:2: "//! requires:" must precede all code');
    expect(() => linkWgsl('../etc/passwd', { root })).toThrow(/escapes the shaders directory/);
  });

  it('parses several names per line and several lines', () => {
    expect(parseRequires('//! requires: a/b c\n// note\n//!requires:d\n\nfn x() {}')).toEqual(['a/b', 'c', 'd']);
  });

  it('finds the repository shaders/ directory from its own location', () => {
    expect(shadersRoot().replace(/\\/g, '/')).toMatch(/\/shaders$/);
    const out = linkWgsl('u256/arith');
    expect(at(out, 'alias u256 = array<u32, 8>;')).toBeLessThan(at(out, 'fn u256_add('));
  });
});
