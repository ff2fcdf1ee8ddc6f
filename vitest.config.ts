import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Two test files at a time even on a 2-core machine (vitest's default there is one):
// much of the suite is single-threaded (lavapipe compiling a kernel, ethereumjs, the
// server), so the second core would otherwise idle. On the 2-core CI machine the suite
// took 20 min this way against 25.5-27.5 min one file at a time (2026-12-05).
// Contention doubles a cold kernel compile, so the limits below are for hangs, with room.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default'],
  },
});
