import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * WGSL has no imports, so shader modules declare their dependencies in a header line
 * `//! requires: u256/core u256/mul` and this linker concatenates them, dependencies
 * first, each module once. A module name is a path under the repo's `shaders/`
 * directory without the `.wgsl` suffix.
 */
export interface LinkOptions {
  /** Directory holding the modules; defaults to the repository's `shaders/`. */
  readonly root?: string;
}

const REQUIRES = /^\s*\/\/!\s*requires:(.*)$/;

let defaultRoot: string | undefined;

/**
 * The repo's `shaders/` directory. This file runs from `src/gpu` under tsx/vitest and
 * from `dist/src/gpu` after `tsc`, so walk up to the directory holding package.json
 * instead of assuming a fixed depth.
 */
export function shadersRoot(): string {
  if (defaultRoot) return defaultRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'shaders'))) return (defaultRoot = join(dir, 'shaders'));
    const up = dirname(dir);
    if (up === dir) throw new Error(`no shaders/ directory found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

const fileCache = new Map<string, string>();

function readModule(root: string, name: string, requiredBy: string | undefined): string {
  const file = resolve(root, `${name}.wgsl`);
  const rel = relative(root, file);
  if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
    throw new Error(`WGSL module name "${name}" escapes the shaders directory ${root}`);
  }
  const cached = fileCache.get(file);
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const by = requiredBy ? ` (required by ${requiredBy})` : '';
    throw new Error(`WGSL module "${name}" not found at ${file}${by}`, { cause: e });
  }
  fileCache.set(file, text);
  return text;
}

/**
 * The module names a source requires. Only the header (leading blank and `//` lines)
 * may hold requires lines: one further down would be easy to miss when reading the
 * file, so it is an error rather than silently honoured or ignored.
 */
export function parseRequires(source: string, name = '<source>'): string[] {
  const out: string[] = [];
  let inHeader = true;
  source.split(/\r?\n/).forEach((line, i) => {
    const m = REQUIRES.exec(line);
    if (m) {
      if (!inHeader) throw new Error(`${name}:${i + 1}: "//! requires:" must precede all code`);
      out.push(...m[1].trim().split(/\s+/).filter(Boolean));
    } else if (line.trim() !== '' && !line.trim().startsWith('//')) {
      inHeader = false;
    }
  });
  return out;
}

function linkFrom(rootRequires: string[], rootName: string, tail: string | undefined, opts: LinkOptions | undefined): string {
  const root = opts?.root ?? shadersRoot();
  const ordered: string[] = [];
  const done = new Set<string>();
  const path: string[] = [rootName];

  const visit = (name: string, requiredBy: string) => {
    if (done.has(name)) return;
    const at = path.indexOf(name);
    if (at >= 0) throw new Error(`WGSL module cycle: ${[...path.slice(at), name].join(' -> ')}`);
    const source = readModule(root, name, requiredBy);
    path.push(name);
    for (const dep of parseRequires(source, name)) visit(dep, name);
    path.pop();
    done.add(name);
    ordered.push(`// ---- module ${name} ----\n${source.trimEnd()}\n`);
  };
  for (const dep of rootRequires) visit(dep, rootName);
  if (tail !== undefined) ordered.push(`// ---- ${rootName} ----\n${tail.trimEnd()}\n`);
  return ordered.join('\n');
}

/** Links the module `shaders/<entry>.wgsl` with everything it requires, transitively. */
export function linkWgsl(entry: string, opts?: LinkOptions): string {
  return linkFrom([entry], '<linkWgsl>', undefined, opts);
}

/** Links a kernel given as a string; its own `//! requires:` header names its modules. */
export function linkWgslSource(source: string, opts?: LinkOptions): string {
  return linkFrom(parseRequires(source), '<source>', source, opts);
}
