import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package version, read from the nearest package.json named evmgpu. Searched for
 * rather than imported because this file runs from src/ (tests, tsx) and from
 * dist/src/ (the built image), which sit at different depths below it.
 */
function findVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'evmgpu' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No (readable) package.json at this level: keep climbing.
    }
    const parent = dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}

export const VERSION = findVersion();
