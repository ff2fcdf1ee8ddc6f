import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * What the load ramp watches besides the load itself: the server's resident memory
 * (/proc/<pid>/status) and the latency of GET /healthz from a low-rate prober on its
 * own thread, so the load generator's event loop does not delay the probes.
 */

/** VmRSS and VmHWM (the kernel's peak) of a process, in MiB; undefined once it is gone. */
export function rssMiB(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: Math.round(kb('VmRSS') / 1024), hwm: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

/** Samples RSS every `everyMs` until stopped; `take()` returns the peak since the last take. */
export function rssSampler(pid: number, everyMs = 200) {
  let peak = 0;
  const tick = () => {
    const m = rssMiB(pid);
    if (m !== undefined) peak = Math.max(peak, m.rss);
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    take(): number {
      tick();
      const p = peak;
      peak = rssMiB(pid)?.rss ?? 0;
      return p;
    },
    stop: () => clearInterval(timer),
  };
}

// Plain JavaScript: a worker started with eval does not go through tsx.
const PROBER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let samples = [];
let failures = 0;
let running = true;
function probe() {
  if (!running) return;
  const t0 = performance.now();
  const req = http.get(workerData.url + '/healthz', { agent, timeout: 10000 }, (res) => {
    res.resume();
    res.on('end', () => {
      if (res.statusCode !== 200) failures++;
      samples.push(performance.now() - t0);
      setTimeout(probe, workerData.everyMs);
    });
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => { failures++; samples.push(performance.now() - t0); setTimeout(probe, workerData.everyMs); });
}
parentPort.on('message', (m) => {
  if (m === 'take') { parentPort.postMessage({ samples, failures }); samples = []; failures = 0; }
  if (m === 'stop') { running = false; agent.destroy(); parentPort.close(); }
});
probe();
`;

export interface ProbeFigures {
  probes: number;
  /** Answers other than 200, and requests that failed. */
  failures: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** GET /healthz every `everyMs` after the previous answer, one connection, on a worker thread. */
export function healthProber(url: string, everyMs = 100) {
  const worker = new Worker(PROBER, { eval: true, workerData: { url, everyMs } });
  return {
    take(): Promise<ProbeFigures> {
      return new Promise((resolve) => {
        worker.once('message', ({ samples, failures }: { samples: number[]; failures: number }) => {
          const s = [...samples].sort((a, b) => a - b);
          const r = (v: number) => Math.round(v * 10) / 10;
          resolve({ probes: s.length, failures, p50: r(percentile(s, 50)), p99: r(percentile(s, 99)), max: r(s.at(-1) ?? NaN) });
        });
        worker.postMessage('take');
      });
    },
    stop: () => {
      worker.postMessage('stop');
    },
  };
}
