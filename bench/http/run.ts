import type { AddressInfo } from 'node:net';
import type { WireBatch } from '../../src/model/shapes.js';
import { buildApp } from '../../src/server/app.js';
import { decodeMsgpack, encodeMsgpack, MSGPACK_TYPE } from '../../src/wire/msgpack.js';
import { workloadCases } from '../workloads/index.js';
import { loadOnce, type LoadFigures } from './load.js';

export interface HttpLoadOptions {
  /** Target a running service; without it one is started in this process on a free loopback port. */
  url?: string;
  workload: string;
  txs: number;
  seed: number;
  durationS: number;
  connections: number;
  /** `options.engine` of the batch; the service's default when absent. */
  engine?: string;
  /** Send `{raw}` signed transactions, so the service recovers every sender. */
  signed: boolean;
}

export interface HttpLoadReport {
  date: string;
  target: string;
  inProcess: boolean;
  workload: string;
  txs: number;
  engine: string | null;
  signed: boolean;
  runs: { json: LoadFigures; msgpack: LoadFigures };
  /** Every request of both runs answered 2xx, with no connection errors. */
  ok: boolean;
  failures: string[];
}

interface Answer {
  results?: unknown[];
  rejected?: unknown[];
}

/**
 * One request of each body form before the load: a 2xx with every transaction included is
 * required, or the load would measure how fast the service refuses a batch.
 */
async function checkOnce(url: string, body: string | Buffer, contentType: string, txs: number): Promise<string | undefined> {
  const res = await fetch(`${url}/v1/execute`, { method: 'POST', headers: { 'content-type': contentType, accept: contentType }, body });
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (res.status !== 200) return `${contentType}: HTTP ${res.status}: ${Buffer.from(bytes).toString('utf8').slice(0, 300)}`;
  const answer = (contentType === MSGPACK_TYPE ? decodeMsgpack(bytes) : JSON.parse(Buffer.from(bytes).toString('utf8'))) as Answer;
  if (answer.results?.length !== txs || (answer.rejected?.length ?? 0) !== 0) {
    return `${contentType}: ${answer.results?.length ?? 0} results and ${answer.rejected?.length ?? 0} rejected for ${txs} transactions`;
  }
  return undefined;
}

function failuresOf(name: string, f: LoadFigures): string[] {
  const out: string[] = [];
  if (f.non2xx > 0) out.push(`${name}: ${f.non2xx} non-2xx responses (${JSON.stringify(f.statusCodes)})`);
  if (f.errors > 0) out.push(`${name}: ${f.errors} connection errors (${f.timeouts} timeouts)`);
  if (f.ok2xx === 0) out.push(`${name}: no request completed in ${f.durationS} s`);
  return out;
}

/** Drives POST /v1/execute with one fixed batch, as a JSON body and then as a msgpack body. */
export async function runHttpLoad(o: HttpLoadOptions): Promise<HttpLoadReport> {
  const [c] = [...workloadCases(o.workload, { sizes: [o.txs], seed: o.seed, quickBlocks: 1 })];
  let wire: WireBatch = o.signed ? c.signed() : c.batch;
  if (o.engine !== undefined) wire = { ...wire, options: { ...wire.options, engine: o.engine } };
  const txs = wire.txs.length;
  const app = o.url === undefined ? buildApp({ logLevel: 'warn' }) : undefined;
  let url = o.url?.replace(/\/$/, '');
  try {
    if (app !== undefined) {
      await app.listen({ host: '127.0.0.1', port: 0 });
      url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    }
    const bodies = { json: JSON.stringify(wire), msgpack: encodeMsgpack(wire) };
    const failures: string[] = [];
    for (const [body, type] of [[bodies.json, 'application/json'], [bodies.msgpack, MSGPACK_TYPE]] as const) {
      const bad = await checkOnce(url!, body, type, txs);
      if (bad !== undefined) failures.push(`before the load, ${bad}`);
    }
    const base = { url: url!, durationS: o.durationS, connections: o.connections, txs };
    const json = await loadOnce({ ...base, body: bodies.json, contentType: 'application/json', accept: 'application/json' });
    const msgpack = await loadOnce({ ...base, body: bodies.msgpack, contentType: MSGPACK_TYPE, accept: MSGPACK_TYPE });
    failures.push(...failuresOf('json', json), ...failuresOf('msgpack', msgpack));
    return {
      date: new Date().toISOString(), target: url!, inProcess: app !== undefined, workload: o.workload, txs,
      engine: o.engine ?? null, signed: o.signed, runs: { json, msgpack }, ok: failures.length === 0, failures,
    };
  } finally {
    await app?.close();
  }
}
