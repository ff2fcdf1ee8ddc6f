/** Seeded xorshift32: the same seed gives the same batch, so a benchmark run reproduces. */
export interface Rng {
  next(): number;
  below(n: number): number;
  /** A bigint in [lo, hi], drawn from 32 bits: plenty for token amounts in a benchmark. */
  between(lo: bigint, hi: bigint): bigint;
}

export function rng(seed: number): Rng {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  return {
    next,
    below: (n) => next() % n,
    between: (lo, hi) => lo + (BigInt(next()) % (hi - lo + 1n)),
  };
}
