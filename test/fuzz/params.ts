import { xorshift32 } from '../support/xorshift.js';

/**
 * What one fuzz case is, derived from its seed alone, cheaply (no batch is built), so a
 * test can be named by its case before running it and any case replays from its seed.
 */
export interface CaseParams {
  seed: number;
  fork: 'Prague' | 'Cancun' | 'Shanghai' | 'London' | 'Berlin';
  /** Transactions to generate (Uniswap swaps come in pairs, so the batch may hold one more). */
  size: number;
  /** Fraction of transactions steered to shared hot state: one sender, slot, recipient, pool, the coinbase. */
  conflict: number;
}

const FORKS: CaseParams['fork'][] = ['Prague', 'Prague', 'Prague', 'Prague', 'Cancun', 'Cancun', 'Cancun', 'Shanghai', 'London', 'Berlin'];
/** Conflict rates: the ends get their own weight, as 0% and 100% are the interesting extremes. */
const CONFLICTS = [0, 0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 1, 1];

/** murmur3's finalizer: nearby seeds must not give correlated first draws from xorshift. */
export function mixSeed(seed: number, salt = 0): number {
  let h = (seed ^ salt) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function caseParams(seed: number): CaseParams {
  const r = xorshift32(mixSeed(seed, 0x5bd1e995));
  const u = r.below(1000);
  // Mostly small (the reference runs a few hundred transactions a second here); one seed in 250 is large.
  const size = isLarge(seed) ? LARGE_BATCH + r.below(1001) : u < 740 ? 1 + r.below(10) : u < 940 ? 11 + r.below(30) : u < 993 ? 41 + r.below(110) : 151 + r.below(450);
  return { seed, fork: r.pick(FORKS), size, conflict: r.pick(CONFLICTS) };
}

export const LARGE_BATCH = 1000;
const LARGE_EVERY = 250;
/** Seeds with 1,000 to 2,000 transactions: one in 250, decided by the seed alone. */
const isLarge = (seed: number) => mixSeed(seed, 0x1a26e) % LARGE_EVERY === 0;

/**
 * The seeds of a run: `count` cases spread from `base`, distinct and reproducible.
 * Case 125 of every 250 takes the next large seed and the others the next seed that is
 * not, so a corpus holds exactly one large batch per 250 (two in CI's 500: they take as
 * long as all the small ones, so chance must not make it five, nor zero).
 */
export function caseSeeds(base: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => {
    let seed = (Math.imul(i + 1, 0x9e3779b1) ^ base) >>> 0;
    const large = i % LARGE_EVERY === LARGE_EVERY / 2;
    while (isLarge(seed) !== large) seed = (seed + 1) >>> 0;
    return seed;
  });
}

export const seedHex = (seed: number) => `0x${seed.toString(16).padStart(8, '0')}`;
