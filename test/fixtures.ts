import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The shared conformance fixtures live beside the project at ../shared/fixtures, on
 * developer machines and in CI. EVMGPU_FIXTURES points elsewhere (a clone outside
 * that layout). A missing directory fails the tests that need it, loudly: a
 * conformance suite that silently runs nothing would pass while checking nothing.
 */
export const FIXTURES_ROOT = resolve(process.env.EVMGPU_FIXTURES ?? join(import.meta.dirname, '../../shared/fixtures'));

export function fixturePath(...parts: string[]): string {
  const p = join(FIXTURES_ROOT, ...parts);
  if (!existsSync(p)) {
    throw new Error(`fixtures not found at ${p}: clone the project beside shared/ (../shared/fixtures) or set EVMGPU_FIXTURES`);
  }
  return p;
}
