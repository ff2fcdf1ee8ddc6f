import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The shared conformance fixtures live beside the project at ../shared/fixtures, on
 * developer machines and in CI. A local clone made elsewhere (a scratch check of a
 * clean clone) finds them beside the repository it was cloned from; EVMGPU_FIXTURES
 * points anywhere else. A missing directory fails the tests that need it, loudly: a
 * conformance suite that silently runs nothing would pass while checking nothing.
 */
const ROOT = join(import.meta.dirname, '../..');

function originRoot(): string | undefined {
  try {
    const url = execFileSync('git', ['config', '--get', 'remote.origin.url'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return isAbsolute(url) ? url : undefined;
  } catch {
    return undefined;
  }
}

function findFixtures(): string {
  if (process.env.EVMGPU_FIXTURES) return resolve(process.env.EVMGPU_FIXTURES);
  const beside = join(ROOT, '../shared/fixtures');
  if (existsSync(beside)) return beside;
  const origin = originRoot();
  const besideOrigin = origin && join(origin, '../shared/fixtures');
  return besideOrigin && existsSync(besideOrigin) ? besideOrigin : beside;
}

export const FIXTURES_ROOT = findFixtures();

export function fixturePath(...parts: string[]): string {
  const p = join(FIXTURES_ROOT, ...parts);
  if (!existsSync(p)) {
    throw new Error(`fixtures not found at ${p}: clone the project beside shared/ (../shared/fixtures) or set EVMGPU_FIXTURES`);
  }
  return p;
}
