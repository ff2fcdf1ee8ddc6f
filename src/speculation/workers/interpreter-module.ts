import { EVM } from '@ethereumjs/evm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The prototype of @ethereumjs/evm's Interpreter, for the few places where this
 * project's CPU executor changes how ethereumjs runs (jump-analysis-cache.ts,
 * sync-steps.ts), each for the EVMs it is given only. The package exports no
 * Interpreter: its module is loaded by file, and used only if the package's own EVM
 * class is the one that module's neighbour exports, so a wrapped method is the one the
 * EVM calls. Undefined where this version keeps it elsewhere: callers then change
 * nothing.
 */
let loaded: Promise<object | undefined> | undefined;

async function load(): Promise<object | undefined> {
  const esm = join(dirname(createRequire(import.meta.url).resolve('@ethereumjs/evm')), '..', 'esm');
  const [evmModule, interpreterModule] = await Promise.all([
    import(pathToFileURL(join(esm, 'evm.js')).href) as Promise<{ EVM?: unknown }>,
    import(pathToFileURL(join(esm, 'interpreter.js')).href) as Promise<{ Interpreter?: { prototype: object } }>,
  ]);
  if (evmModule.EVM !== EVM) return undefined;
  return interpreterModule.Interpreter?.prototype;
}

export function interpreterPrototype(): Promise<object | undefined> {
  loaded ??= load().catch(() => undefined);
  return loaded;
}
