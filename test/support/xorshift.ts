/** Deterministic xorshift32 for seeded test inputs, so a failure reproduces from its seed. */
export function xorshift32(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const below = (n: number) => next() % n;
  return {
    next,
    below,
    pick: <T>(xs: readonly T[]): T => xs[below(xs.length)],
    bytes: (n: number) => Uint8Array.from({ length: n }, () => next() & 0xff),
  };
}
