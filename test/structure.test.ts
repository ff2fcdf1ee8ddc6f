import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layout rules of src/ (DEVELOPERS.md, docs/architecture.md), checked on every
 * test run: no import cycle between files or between top-level folders (the folders
 * tell the data flow, so their imports must point one way), the environment read in
 * src/config/environment.ts alone, and no file past 400 lines.
 */
const SRC = resolve(import.meta.dirname, '../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.(ts|mjs)$/.test(e.name) ? [p] : [];
  });
}

const files = sources(SRC);
const text = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
const rel = (f: string) => relative(SRC, f);

/** Relative imports (static, dynamic, re-exports), resolved to the source files they name. */
function imports(file: string): string[] {
  const out: string[] = [];
  for (const m of text.get(file)!.matchAll(/(?:from|import)\s*\(?\s*'(\.\.?\/[^']+)'/g)) {
    const target = resolve(dirname(file), m[1]).replace(/\.js$/, '.ts');
    if (text.has(target)) out.push(target);
  }
  return out;
}

/** Every cycle's members, found by Tarjan's strongly connected components. */
function cycles(nodes: string[], edges: (n: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (n: string) => {
    index.set(n, index.size);
    low.set(n, index.get(n)!);
    stack.push(n);
    onStack.add(n);
    for (const m of edges(n)) {
      if (!index.has(m)) {
        visit(m);
        low.set(n, Math.min(low.get(n)!, low.get(m)!));
      } else if (onStack.has(m)) low.set(n, Math.min(low.get(n)!, index.get(m)!));
    }
    if (low.get(n) === index.get(n)) {
      const scc: string[] = [];
      let m: string;
      do {
        m = stack.pop()!;
        onStack.delete(m);
        scc.push(m);
      } while (m !== n);
      if (scc.length > 1 || edges(n).includes(n)) found.push(scc.sort());
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return found;
}

const folderOf = (f: string) => rel(f).split('/')[0];

describe('layout of src/', () => {
  it('has no import cycle between files', () => {
    expect(cycles(files, imports).map((c) => c.map(rel))).toEqual([]);
  });

  it('has no import cycle between top-level folders', () => {
    const folders = [...new Set(files.map(folderOf))];
    const edges = new Map(folders.map((d) => [d, new Set<string>()]));
    for (const f of files) for (const t of imports(f)) if (folderOf(t) !== folderOf(f)) edges.get(folderOf(f))!.add(folderOf(t));
    expect(cycles(folders, (d) => [...edges.get(d)!])).toEqual([]);
  });

  it('reads the environment in src/config/environment.ts only', () => {
    expect(files.filter((f) => /process\.env\b/.test(text.get(f)!)).map(rel)).toEqual(['config/environment.ts']);
  });

  it('has no file over 400 lines', () => {
    expect(files.filter((f) => text.get(f)!.split('\n').length > 400).map(rel)).toEqual([]);
  });

  it('finds the imports it checks (a rule that sees nothing would pass anything)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(imports(join(SRC, 'registry/registry.ts')).map(rel)).toContain('speculation/engine.ts');
    expect(cycles(['a', 'b', 'c'], (n) => ({ a: ['b'], b: ['c'], c: ['a'] })[n]!)).toEqual([['a', 'b', 'c']]);
  });
});
