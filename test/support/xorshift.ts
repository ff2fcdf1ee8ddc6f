import { rng } from '../../bench/workloads/rng.js';

/** The workloads' seeded xorshift32 with the helpers tests want, so a failure reproduces from its seed. */
export function xorshift32(seed: number) {
  const r = rng(seed);
  return {
    ...r,
    pick: <T>(xs: readonly T[]): T => xs[r.below(xs.length)],
    bytes: (n: number) => Uint8Array.from({ length: n }, () => r.next() & 0xff),
  };
}
