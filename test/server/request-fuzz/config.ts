/**
 * The request fuzzer's settings (test/server/README.md). The CI form sends 10,000
 * requests; the environment makes it longer or reproduces one seed range:
 *   EVMGPU_REQFUZZ_REQUESTS   requests per run (default 10000)
 *   EVMGPU_REQFUZZ_SEED       seed of the first request (default 1; request i uses seed + i)
 *   EVMGPU_REQFUZZ_CLIENTS    requests in flight at once (default 8)
 *   EVMGPU_REQFUZZ_VERBOSE=1  print the status counts per kind of request
 * EVMGPU_LONG=1 (npm run test:long) sends 100,000.
 */
export interface FuzzConfig {
  count: number;
  seed: number;
  concurrency: number;
  bodyLimit: number;
  verbose: boolean;
}

function int(name: string, fallback: number): number {
  const s = process.env[name];
  if (s === undefined || s === '') return fallback;
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name}=${s}: expected a non-negative integer`);
  return n;
}

export function fuzzConfig(): FuzzConfig {
  const long = process.env.EVMGPU_LONG === '1';
  return {
    count: int('EVMGPU_REQFUZZ_REQUESTS', long ? 100_000 : 10_000),
    seed: int('EVMGPU_REQFUZZ_SEED', 1),
    concurrency: Math.max(1, int('EVMGPU_REQFUZZ_CLIENTS', 8)),
    bodyLimit: 64 * 1024,
    verbose: process.env.EVMGPU_REQFUZZ_VERBOSE === '1',
  };
}
