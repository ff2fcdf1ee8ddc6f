import { caseSeeds } from './params.js';

/**
 * Run settings shared by the vitest entry and `run.ts`, from the environment (flags of
 * run.ts override them): EVMGPU_FUZZ_BATCHES (default 500, the CI corpus),
 * EVMGPU_FUZZ_SEED (base seed; a fixed default so CI is reproducible), EVMGPU_FUZZ_CASE
 * (replay one case by its own seed), EVMGPU_FUZZ_ENGINES (comma list restricting the
 * registry's engines, for chasing one engine's mismatch), EVMGPU_FUZZ_SHRINK_SECONDS
 * (time to shrink one mismatch; 120 by default, run.ts 600).
 */
export const DEFAULT_BASE_SEED = 0x5eed2026;
export const CI_BATCHES = 500;
/** Mismatches shrunk per engine and run; later ones are reported unshrunk. */
export const SHRINK_PER_ENGINE = 5;

export interface FuzzConfig {
  seeds: number[];
  base: number;
  engines?: string[];
  /** True when replaying explicitly chosen cases rather than a corpus. */
  replay: boolean;
  shrinkMs: number;
}

export const parseSeed = (s: string): number => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new Error(`fuzz: seed must be an integer in [0, 2^32): ${s}`);
  return n;
};

export function fuzzConfig(env: Record<string, string | undefined> = process.env, defaultShrinkSeconds = 120): FuzzConfig {
  const base = env.EVMGPU_FUZZ_SEED ? parseSeed(env.EVMGPU_FUZZ_SEED) : DEFAULT_BASE_SEED;
  const engines = env.EVMGPU_FUZZ_ENGINES ? env.EVMGPU_FUZZ_ENGINES.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const shrinkSeconds = env.EVMGPU_FUZZ_SHRINK_SECONDS ? Number(env.EVMGPU_FUZZ_SHRINK_SECONDS) : defaultShrinkSeconds;
  if (!(shrinkSeconds >= 0)) throw new Error(`fuzz: EVMGPU_FUZZ_SHRINK_SECONDS must be a number of seconds: ${env.EVMGPU_FUZZ_SHRINK_SECONDS}`);
  const shrinkMs = shrinkSeconds * 1000;
  if (env.EVMGPU_FUZZ_CASE) return { seeds: env.EVMGPU_FUZZ_CASE.split(',').map(parseSeed), base, engines, replay: true, shrinkMs };
  const count = env.EVMGPU_FUZZ_BATCHES ? Number(env.EVMGPU_FUZZ_BATCHES) : CI_BATCHES;
  if (!Number.isInteger(count) || count < 1) throw new Error(`fuzz: EVMGPU_FUZZ_BATCHES must be a positive integer: ${env.EVMGPU_FUZZ_BATCHES}`);
  return { seeds: caseSeeds(base, count), base, engines, replay: false, shrinkMs };
}
