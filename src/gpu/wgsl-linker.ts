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
  /**
   * Directories searched in order for each module, instead of `root`: a kernel under
   * `kernels/` names its own modules and the `shaders/` library alike.
   */
  readonly roots?: readonly string[];
}

const REQUIRES = /^\s*\/\/!\s*requires:(.*)$/;

const repoDirs = new Map<string, string>();

/**
 * A top-level directory of the repo (`shaders`, `kernels`). This file runs from
 * `src/gpu` under tsx/vitest and from `dist/src/gpu` after `tsc`, so walk up to the
 * directory holding package.json instead of assuming a fixed depth.
 */
function repoDir(name: string): string {
  const known = repoDirs.get(name);
  if (known) return known;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, name))) {
      repoDirs.set(name, join(dir, name));
      return join(dir, name);
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`no ${name}/ directory found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The repo's `shaders/` directory: the reusable WGSL library. */
export function shadersRoot(): string {
  return repoDir('shaders');
}

/** The repo's `kernels/` directory: complete kernels built on the library. */
export function kernelsRoot(): string {
  return repoDir('kernels');
}

const fileCache = new Map<string, string>();

/** The first root holding the module; the last one when none does, so the error names a path. */
function pickRoot(roots: readonly string[], name: string): string {
  return roots.find((r) => existsSync(resolve(r, `${name}.wgsl`))) ?? roots[roots.length - 1];
}

function readModule(roots: readonly string[], name: string, requiredBy: string | undefined): string {
  const root = pickRoot(roots, name);
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
  const roots = opts?.roots?.length ? opts.roots : [opts?.root ?? shadersRoot()];
  const ordered: string[] = [];
  const done = new Set<string>();
  const path: string[] = [rootName];

  const visit = (name: string, requiredBy: string) => {
    if (done.has(name)) return;
    const at = path.indexOf(name);
    if (at >= 0) throw new Error(`WGSL module cycle: ${[...path.slice(at), name].join(' -> ')}`);
    const source = readModule(roots, name, requiredBy);
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
