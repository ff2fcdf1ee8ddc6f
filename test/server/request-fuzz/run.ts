import { xorshift32 } from '../../support/xorshift.js';
import { judge } from './judge.js';
import { giant, makeSeeds, nextRequest, type FuzzRequest } from './requests.js';

/**
 * The request fuzzer's loop: `count` seeded requests over keep-alive HTTP (Node's fetch,
 * undici) from `concurrency` clients at once, each answer judged. Request `i` is drawn
 * from seed `seed + i`, so a failure names the one seed that reproduces it.
 */
export interface FuzzOptions {
  url: string;
  count: number;
  seed: number;
  concurrency: number;
  bodyLimit: number;
  /** Sent on all but a few requests; the rest must get 401. */
  token?: string;
}

export interface FuzzFailure {
  seed: number;
  kind: string;
  request: string;
  why: string;
}

export interface FuzzReport {
  requests: number;
  /** Status counts, per kind of request. */
  byKind: Record<string, Record<number, number>>;
  /** The documented load 503s, each with a Retry-After (anything else is a failure). */
  load503: number;
  /** Milliseconds spent waiting for answers, per kind of request. */
  msByKind: Record<string, number>;
  failures: FuzzFailure[];
  seconds: number;
}

const describe = (q: FuzzRequest) => {
  const b = q.body === undefined ? '' : typeof q.body === 'string' ? q.body : `<${q.body.length} bytes>`;
  return `${q.method} ${q.path.slice(0, 120)} ${JSON.stringify(q.headers)} ${b.slice(0, 160)}`;
};

/** Request `i` of a run, as `run` draws it. */
export function fuzzRequest(seed: number, bodyLimit: number, token: string | undefined, seeds = makeSeeds()): FuzzRequest {
  const r = xorshift32(seed);
  const q = r.below(100) === 0 ? giant(seeds, r, bodyLimit) : nextRequest(seeds, r, r.below(8) === 0 ? bodyLimit : 4096);
  if (token !== undefined && r.below(30) > 0) q.headers.authorization = r.below(50) === 0 ? `Bearer ${token}x` : `Bearer ${token}`;
  return q;
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const seeds = makeSeeds();
  const report: FuzzReport = { requests: 0, byKind: {}, load503: 0, msByKind: {}, failures: [], seconds: 0 };
  const t0 = performance.now();
  let next = 0;
  const client = async () => {
    while (next < o.count) {
      const seed = o.seed + next++;
      const q = fuzzRequest(seed, o.bodyLimit, o.token, seeds);
      let why: string | undefined;
      const t = performance.now();
      try {
        const res = await fetch(`${o.url}${q.path}`, { method: q.method, headers: q.headers, ...(q.body !== undefined ? { body: q.body } : {}), redirect: 'manual' });
        const body = new Uint8Array(await res.arrayBuffer());
        why = judge(q, { status: res.status, headers: res.headers, body });
        const counts = (report.byKind[q.kind] ??= {});
        counts[res.status] = (counts[res.status] ?? 0) + 1;
        if (res.status === 503 && why === undefined) report.load503++;
      } catch (e) {
        why = `no answer: ${(e as Error).message} ${String((e as Error & { cause?: unknown }).cause ?? '')}`;
      }
      report.msByKind[q.kind] = Math.round((report.msByKind[q.kind] ?? 0) + performance.now() - t);
      report.requests++;
      if (why !== undefined) report.failures.push({ seed, kind: q.kind, request: describe(q), why });
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, client));
  report.seconds = Math.round((performance.now() - t0) / 100) / 10;
  return report;
}
