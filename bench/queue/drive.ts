import type { WireBatch } from '../../src/model/shapes.js';

/** What one timed run of batches gave: wall time, and per batch its latency and (through the queue) its time on the worker. */
export interface DriveFigures {
  batches: number;
  txs: number;
  wallMs: number;
  batchesPerS: number;
  txPerS: number;
  latencyMs: { p50: number; p90: number; max: number };
  /** Through the queue: the worker's execution time (x-evmgpu-worker-ms), and latency less it: the queue's share. */
  workerMs?: { p50: number; p90: number };
  overheadMs?: { p50: number; p90: number };
  /** Results by worker id (through the queue). */
  byWorker?: Record<string, number>;
}

export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] * 10) / 10;
}

/**
 * POSTs every batch to /v1/execute with `clients` requests in flight, each answer 200
 * (anything else ends the run: a benchmark of failures means nothing).
 */
export async function drive(base: string, batches: WireBatch[], clients: number): Promise<DriveFigures> {
  const latencies: number[] = [];
  const workerMs: number[] = [];
  const overhead: number[] = [];
  const byWorker: Record<string, number> = {};
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < batches.length) {
        const b = batches[next++];
        const t = performance.now();
        const res = await fetch(`${base}/v1/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
        const body = await res.text();
        const ms = performance.now() - t;
        if (res.status !== 200) throw new Error(`POST ${base}/v1/execute: ${res.status} ${body.slice(0, 300)}`);
        latencies.push(ms);
        const w = res.headers.get('x-evmgpu-worker-ms');
        if (w !== null) {
          workerMs.push(Number(w));
          overhead.push(ms - Number(w));
          const id = res.headers.get('x-evmgpu-worker') ?? '?';
          byWorker[id] = (byWorker[id] ?? 0) + 1;
        }
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const txs = batches.reduce((n, b) => n + b.txs.length, 0);
  return {
    batches: batches.length,
    txs,
    wallMs: Math.round(wallMs),
    batchesPerS: Math.round((batches.length / wallMs) * 1000 * 100) / 100,
    txPerS: Math.round((txs / wallMs) * 1000),
    latencyMs: { p50: quantile(latencies, 0.5), p90: quantile(latencies, 0.9), max: quantile(latencies, 1) },
    ...(workerMs.length ? { workerMs: { p50: quantile(workerMs, 0.5), p90: quantile(workerMs, 0.9) }, overheadMs: { p50: quantile(overhead, 0.5), p90: quantile(overhead, 0.9) }, byWorker } : {}),
  };
}

/** CPU seconds a process has used (user + system), from /proc: the front's and the NATS server's cost per batch. */
export async function cpuSeconds(pid: number): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat (12 and 13 after the name), in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
