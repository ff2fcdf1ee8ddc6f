import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The one place the service touches the process environment. Configuration is read
 * once, at start-up, from the snapshot this returns (src/config/resolve.ts validates
 * it); nothing deeper in the code reads a variable, so a setting cannot change or be
 * misread half-way through a run.
 */
export type Environment = Readonly<Record<string, string | undefined>>;

export function readEnvironment(): Environment {
  return { ...process.env };
}

/**
 * Mesa prints errors (and some Vulkan loaders misbehave) when XDG_RUNTIME_DIR is
 * unset, which it is in containers and CI: before the first GPU device opens, point it
 * at a private temporary directory. The driver reads it from the process, so this is
 * a write to the environment, not a setting.
 */
export function ensureXdgRuntimeDir(): void {
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'evmgpu-xdg-'));
}
