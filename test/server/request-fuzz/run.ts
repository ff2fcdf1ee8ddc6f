import http from 'node:http';
import { connect } from 'node:net';
import { xorshift32 } from '../../support/xorshift.js';
import { judge, type Answer } from './judge.js';
import { giant, makeSeeds, nextRequest, rawWire, type FuzzRequest } from './requests.js';

/**
 * The request fuzzer's loop: `count` seeded requests over keep-alive HTTP from
 * `concurrency` clients at once, each answer judged. Most go through node:http with a
 * keep-alive agent, one in ten through fetch (undici): fetch costs about five times the
 * CPU per request, which on a loaded 2-core machine decides whether 10,000 fit the CI time. Request `i` is drawn
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
  const roll = r.below(100);
  const q = roll === 0 ? giant(seeds, r, bodyLimit) : roll === 1 ? rawWire(seeds, r) : nextRequest(seeds, r, r.below(8) === 0 ? bodyLimit : 4096);
  if (token !== undefined && r.below(30) > 0) q.headers.authorization = r.below(50) === 0 ? `Bearer ${token}x` : `Bearer ${token}`;
  return q;
}

/** Non-ASCII and control characters percent-encoded; everything else sent as drawn. */
const wirePath = (path: string) => path.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));

function viaHttp(agent: http.Agent, url: string, q: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // node:http sends a body of GET, DELETE or OPTIONS without a length unless told one.
    const length = q.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(q.body)) };
    const req = http.request(`${url}${wirePath(q.path)}`, { method: q.method, headers: { ...q.headers, ...length }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(q.body);
  });
}

/** Raw bytes on a fresh connection; every response the server writes before closing it is judged. */
function viaSocket(url: string, q: FuzzRequest): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.end(q.body ?? ''));
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      let text = Buffer.concat(chunks).toString('latin1');
      if (text === '') return resolve(undefined);
      while (text.length > 0) {
        const m = /^HTTP\/1\.[01] (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n/.exec(text);
        if (!m) return resolve(`unparsable answer: ${text.slice(0, 200)}`);
        const length = Number(/content-length: *(\d+)/i.exec(m[2])?.[1] ?? 0);
        const body = Buffer.from(text.slice(m[0].length, m[0].length + length), 'latin1');
        const headers = new Headers(m[2].split('\r\n').map((h) => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 1).trim()] as [string, string]));
        const why = judge({ ...q, method: 'POST' }, { status: Number(m[1]), headers, body });
        if (why !== undefined) return resolve(why);
        text = text.slice(m[0].length + length);
      }
      resolve(undefined);
    });
  });
}

async function viaFetch(url: string, q: FuzzRequest): Promise<Answer> {
  const res = await fetch(`${url}${wirePath(q.path)}`, { method: q.method, headers: q.headers, ...(q.body !== undefined ? { body: q.body } : {}), redirect: 'manual' });
  return { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) };
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const seeds = makeSeeds();
  const report: FuzzReport = { requests: 0, byKind: {}, load503: 0, msByKind: {}, failures: [], seconds: 0 };
  const t0 = performance.now();
  let next = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const client = async () => {
    while (next < o.count) {
      const seed = o.seed + next++;
      const q = fuzzRequest(seed, o.bodyLimit, o.token, seeds);
      let why: string | undefined;
      const t = performance.now();
      try {
        if (q.method === 'RAW') {
          why = await viaSocket(o.url, q);
          const counts = (report.byKind[q.kind] ??= {});
          counts[0] = (counts[0] ?? 0) + 1;
        } else {
          const res = seed % 10 === 0 ? await viaFetch(o.url, q) : await viaHttp(agent, o.url, q);
          why = judge(q, res);
          const counts = (report.byKind[q.kind] ??= {});
          counts[res.status] = (counts[res.status] ?? 0) + 1;
          if (res.status === 503 && why === undefined) report.load503++;
        }
      } catch (e) {
        why = `no answer: ${(e as Error).message} ${String((e as Error & { cause?: unknown }).cause ?? '')}`;
      }
      report.msByKind[q.kind] = Math.round((report.msByKind[q.kind] ?? 0) + performance.now() - t);
      report.requests++;
      if (why !== undefined) report.failures.push({ seed, kind: q.kind, request: describe(q), why });
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, client));
  agent.destroy();
  report.seconds = Math.round((performance.now() - t0) / 100) / 10;
  return report;
}
