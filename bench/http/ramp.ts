import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { getPriority, setPriority } from 'node:os';
import type { WireBatch } from '../../src/model/shapes.js';
import { sender } from '../signing/keys.js';
import { account, FEES, quantity, SENDER_BALANCE, toBatch } from '../workloads/common.js';
import { erc20TransferBatch } from '../workloads/erc20.js';
import { untilGpuSettled } from './gpu-ready.js';
import { loadOnce, type LoadFigures } from './load.js';
import { healthProber, rssMiB, rssSampler, type ProbeFigures } from './probes.js';

/**
 * The load ramp (bench/README.md, "Load ramp"): the service as a child process with small
 * admission bounds, then steps of rising concurrency, each running a light batch (a few
 * ERC-20 transfers) and a heavy one (loop transactions up to the batch gas limit) at once
 * with autocannon. Per step: throughput and latency, the 503 share and whether each 503
 * carried Retry-After, other 5xx, peak RSS, and GET /healthz latency from a prober.
 */
export interface RampOptions {
  steps: number[];
  stepS: number;
  lightTxs: number;
  heavyTxs: number;
  /** Gas of each loop transaction of the heavy batch. */
  heavyGas: number;
  engine: string;
  /** The service's flags (admission and limits). */
  serveArgs: string[];
  /**
   * Niceness of the thread that runs the load (autocannon), set after the service and
   * the prober are started, so neither inherits it; 0 leaves it as it is.
   */
  loadNiceness: number;
}

export interface LoadSide extends LoadFigures {
  status503: number;
  /** 503 answers with a Retry-After of at least one second. */
  retryAfter503: number;
  /** 5xx answers other than 503. */
  other5xx: number;
}

export interface RampStep {
  connections: number;
  light: LoadSide;
  heavy: LoadSide;
  peakRssMiB: number;
  healthz: ProbeFigures;
  /** From the service's /metrics over the step: event-loop delay p99 and max (ms), CPU seconds used. */
  server: { loopP99Ms: number; loopMaxMs: number; cpuS: number };
}

export interface RampReport {
  date: string;
  command: string;
  options: RampOptions;
  steps: RampStep[];
  /** RSS once started and idle, and the kernel's peak (VmHWM) at the end. */
  idleRssMiB: number;
  hwmRssMiB: number;
  /** The service's exit: null while it ran to the end (it is then stopped with SIGTERM). */
  crashed: string | null;
  failures: string[];
}

/** `txs` calls of `JUMPDEST PUSH0 JUMP` of `gas` each, one sender each: the worst work per gas the issue names. */
export function loopBatch(txs: number, gas: number): WireBatch {
  const loop = account(0x100f, 0);
  const pre: WireBatch['pre'] = { [loop]: { balance: '0x0', nonce: '0x1', code: '0x5b5f56' } };
  const calls = Array.from({ length: txs }, (_, i) => {
    pre[sender(0x100f, i)] = { balance: SENDER_BALANCE, nonce: '0x0' };
    return { from: sender(0x100f, i), to: loop, nonce: quantity(0), gas: quantity(gas), value: quantity(0), ...FEES };
  });
  return toBatch({ pre, txs: calls, gasBudget: BigInt(txs * gas) });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

async function startService(args: string[]): Promise<{ child: ChildProcess; url: string; log: string[] }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  const keep = (b: Buffer) => { log.push(b.toString()); if (log.length > 200) log.shift(); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const end = performance.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}: ${log.join('')}`);
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) return { child, url, log };
    } catch { /* not listening yet */ }
    if (performance.now() > end) throw new Error('the service did not answer /healthz within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

function side(body: string, url: string, connections: number, durationS: number, txs: number): Promise<LoadSide> {
  let status503 = 0;
  let retryAfter503 = 0;
  let other5xx = 0;
  return loadOnce({
    url, body, contentType: 'application/json', accept: 'application/json', durationS, connections, txs,
    onResponse: (status, headers) => {
      if (status === 503) {
        status503++;
        if (Number(headers['retry-after']) >= 1) retryAfter503++;
      } else if (status >= 500) other5xx++;
    },
  }).then((f) => ({ ...f, status503, retryAfter503, other5xx }));
}

/** A few of the service's own gauges (prom-client's event-loop delay histogram restarts at each scrape). */
async function serverGauges(url: string): Promise<{ loopP99Ms: number; loopMaxMs: number; cpuS: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const ms = (v: number) => Math.round(v * 10_000) / 10;
  return { loopP99Ms: ms(value('nodejs_eventloop_lag_p99_seconds')), loopMaxMs: ms(value('nodejs_eventloop_lag_max_seconds')), cpuS: value('process_cpu_seconds_total') };
}

/**
 * Checks one answer of each batch before the load: 200 with every transaction included.
 * A cold service (modules loaded and compiled on the first batch) may refuse under
 * event-loop pressure: it is retried for up to 120 s, which also warms it up.
 */
async function checkBatch(url: string, name: string, b: WireBatch): Promise<string | undefined> {
  const end = performance.now() + 120_000;
  let res: Response;
  do {
    res = await fetch(`${url}/v1/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
    if (res.status === 503) await new Promise((r) => setTimeout(r, 1000));
  } while (res.status === 503 && performance.now() < end);
  const answer = (await res.json()) as { results?: unknown[]; rejected?: unknown[] };
  if (res.status !== 200) return `${name}: HTTP ${res.status} ${JSON.stringify(answer).slice(0, 300)}`;
  if (answer.results?.length !== b.txs.length) return `${name}: ${answer.results?.length} results, ${answer.rejected?.length} rejected for ${b.txs.length} transactions`;
  return undefined;
}

export async function runRamp(o: RampOptions, command: string): Promise<RampReport> {
  const withEngine = (b: WireBatch): WireBatch => ({ ...b, options: { ...b.options, engine: o.engine } });
  const light = withEngine(erc20TransferBatch({ transfers: o.lightTxs, seed: 1 }));
  const heavy = withEngine(loopBatch(o.heavyTxs, o.heavyGas));
  const { child, url, log } = await startService(o.serveArgs);
  await untilGpuSettled(url);
  let crashed: string | null = null;
  child.on('exit', (code, signal) => { if (crashed === null && !stopping) crashed = `exit ${code} ${signal ?? ''} ${log.join('').slice(-2000)}`; });
  let stopping = false;
  const failures: string[] = [];
  const steps: RampStep[] = [];
  const rss = rssSampler(child.pid!);
  const prober = healthProber(url);
  // On a machine whose few cores the load generator shares with the service and the prober, the load yields to both, as it would from another machine.
  if (o.loadNiceness > 0 && o.loadNiceness > getPriority()) setPriority(o.loadNiceness);
  try {
    for (let warm = 0; warm < 3; warm++) {
      for (const [name, b] of [['light', light], ['heavy', heavy]] as const) {
        const bad = await checkBatch(url, name, b);
        if (bad !== undefined && warm === 2) failures.push(`before the load, ${bad}`);
      }
    }
    const idleRssMiB = rssMiB(child.pid!)?.rss ?? NaN;
    rss.take();
    await prober.take();
    const bodies = { light: JSON.stringify(light), heavy: JSON.stringify(heavy) };
    for (const connections of o.steps) {
      if (crashed !== null) break;
      const before = await serverGauges(url);
      const [l, h] = await Promise.all([
        side(bodies.light, url, connections, o.stepS, light.txs.length),
        side(bodies.heavy, url, connections, o.stepS, heavy.txs.length),
      ]);
      const after = await serverGauges(url);
      const server = { loopP99Ms: after.loopP99Ms, loopMaxMs: after.loopMaxMs, cpuS: Math.round((after.cpuS - before.cpuS) * 10) / 10 };
      steps.push({ connections, light: l, heavy: h, peakRssMiB: rss.take(), healthz: await prober.take(), server });
      for (const [name, f] of [['light', l], ['heavy', h]] as const) {
        if (f.other5xx > 0) failures.push(`${connections} connections, ${name}: ${f.other5xx} 5xx other than 503 (${JSON.stringify(f.statusCodes)})`);
        if (f.retryAfter503 < f.status503) failures.push(`${connections} connections, ${name}: ${f.status503 - f.retryAfter503} 503s without Retry-After`);
        if (f.errors > 0) failures.push(`${connections} connections, ${name}: ${f.errors} connection errors (${f.timeouts} timeouts)`);
      }
    }
    const hwmRssMiB = rssMiB(child.pid!)?.hwm ?? NaN;
    if (crashed !== null) failures.push(`the service died: ${crashed}`);
    return { date: new Date().toISOString(), command, options: o, steps, idleRssMiB, hwmRssMiB, crashed, failures };
  } finally {
    stopping = true;
    rss.stop();
    prober.stop();
    child.kill('SIGTERM');
  }
}
