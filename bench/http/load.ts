import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  body: string | Buffer;
  contentType: string;
  accept: string;
  durationS: number;
  connections: number;
  /** Transactions per batch, to turn batches/s into transactions/s. */
  txs: number;
  /** Sees every answer's status and headers (autocannon then reads each body too). */
  onResponse?: (status: number, headers: Record<string, string | string[]>) => void;
}

export interface LoadFigures {
  contentType: string;
  accept: string;
  bodyBytes: number;
  durationS: number;
  connections: number;
  /** Completed requests, whatever their status. */
  requests: number;
  ok2xx: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** From the 2xx responses only: a refused batch executed nothing. */
  batchesPerSec: number;
  txPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

/** One bounded autocannon run of POST /v1/execute with a fixed body. */
export function loadOnce(o: LoadOptions): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${o.url}/v1/execute`,
        method: 'POST',
        headers: { 'content-type': o.contentType, accept: o.accept },
        body: o.body,
        duration: o.durationS,
        connections: o.connections,
        // A batch takes from milliseconds to seconds and requests queue behind each other:
        // autocannon's 10 s default would count slow answers as failures.
        timeout: Math.max(30, o.durationS * 3),
        ...(o.onResponse ? { requests: [{ onResponse: (status: number, _body: string, _ctx: unknown, headers: Record<string, string | string[]>) => o.onResponse!(status, headers) }] } : {}),
      },
      (err, r) => {
        if (err) return reject(err);
        const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, Number(s.count)]));
        const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
        const batchesPerSec = r['2xx'] / r.duration;
        resolve({
          contentType: o.contentType,
          accept: o.accept,
          bodyBytes: Buffer.byteLength(o.body),
          durationS: r.duration,
          connections: o.connections,
          requests,
          ok2xx: r['2xx'],
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          statusCodes,
          batchesPerSec: Math.round(batchesPerSec * 100) / 100,
          txPerSec: Math.round(batchesPerSec * o.txs * 10) / 10,
          latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: Math.round(r.latency.mean * 10) / 10 },
        });
      },
    );
  });
}
