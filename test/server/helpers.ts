import { createTx, type TypedTxData } from '@ethereumjs/tx';
import { bytesToHex as utilBytesToHex, eoaCode7702SignAuthorization, privateToAddress } from '@ethereumjs/util';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { makeCommon } from '../../src/chain/common.js';
import { ReferenceEngine } from '../../src/engine/reference.js';
import type { Fork } from '../../src/model/fork.js';
import type { Hex, UnsignedTxShape, WireBatch } from '../../src/model/shapes.js';
import { buildApp, type AppDeps } from '../../src/server/app.js';
import type { ServerConfig } from '../../src/config/service.js';
import { formatResult, jsonCodec } from '../../src/wire/format.js';
import { encodeMsgpack } from '../../src/wire/msgpack.js';
import { parseBatch } from '../../src/wire/parse.js';

/** Batch builders and request helpers shared by the API tests. */

export const COINBASE: Hex = '0x0000000000000000000000000000000000000c0b';
export const ALICE: Hex = '0x00000000000000000000000000000000000000aa';
export const BOB: Hex = '0x00000000000000000000000000000000000000bb';
export const ONE_ETH = 10n ** 18n;
export const BASE_FEE = 7n;

export const hex = (v: bigint | number): Hex => `0x${v.toString(16)}`;

/** Deterministic private keys and their addresses. */
export function key(n: number): { priv: Uint8Array; address: Hex } {
  const priv = Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));
  return { priv, address: utilBytesToHex(privateToAddress(priv)) as Hex };
}

export function env(over: Partial<WireBatch['env']> = {}): WireBatch['env'] {
  return { number: '0x1', timestamp: '0x3e8', coinbase: COINBASE, gasLimit: '0x1c9c380', baseFee: hex(BASE_FEE), chainId: '0x1', ...over };
}

export function funded(...addresses: Hex[]): WireBatch['pre'] {
  return Object.fromEntries(addresses.map((a) => [a.toLowerCase(), { balance: hex(ONE_ETH), nonce: '0x0' }]));
}

export function batch(over: Partial<WireBatch> = {}): WireBatch {
  return { fork: 'Prague', env: env(), pre: funded(ALICE), txs: [], ...over };
}

type Unsigned = UnsignedTxShape<Hex, Hex>;

/** An EIP-1559 value transfer of 1 wei, sequencer-trusted (no signature). */
export function transfer(from: Hex, nonce: number, over: Partial<Unsigned> = {}): Unsigned {
  return { from, to: BOB, nonce: hex(nonce), gas: '0x5208', maxFeePerGas: '0xa', maxPriorityFeePerGas: '0x1', value: '0x1', ...over };
}

/** Canonical signed bytes of a transaction at `fork` on chain 1. */
export function signRaw(fork: Fork, data: TypedTxData, priv: Uint8Array): { raw: Hex; hash: Hex } {
  const tx = createTx(data, { common: makeCommon(fork, 1n) }).sign(priv);
  return { raw: utilBytesToHex(tx.serialize()) as Hex, hash: utilBytesToHex(tx.hash()) as Hex };
}

/** A signed EIP-7702 authorization tuple in wire form (quantities without leading zeros). */
export function signAuthorization(address: Hex, nonce: number, priv: Uint8Array, chainId = 1) {
  const [c, a, n, y, r, s] = eoaCode7702SignAuthorization({ chainId: hex(chainId), address, nonce: hex(nonce) }, priv);
  const q = (b: Uint8Array): Hex => hex(b.length === 0 ? 0n : BigInt(utilBytesToHex(b)));
  return { chainId: q(c), address: utilBytesToHex(a) as Hex, nonce: q(n), yParity: q(y), r: q(r), s: q(s) };
}

/**
 * An app for inject()-driven tests. The event-loop bound is off unless a test sets it:
 * the app shares its event loop with the test process, where a shader compile or a
 * busy machine can stall it past the bound and turn a request into 503 OVERLOADED.
 */
export function newApp(config: Partial<ServerConfig> = {}, deps: AppDeps = {}): FastifyInstance {
  return buildApp({ logLevel: 'silent', maxEventLoopDelayMs: 0, ...config }, deps);
}

export interface PostOptions {
  as?: 'json' | 'msgpack';
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
}

/** POST /v1/execute with `body` encoded as JSON (strings pass through untouched) or msgpack. */
export function post(app: FastifyInstance, body: unknown, opts: PostOptions = {}): Promise<LightMyRequestResponse> {
  const msgpack = opts.as === 'msgpack';
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : msgpack ? encodeMsgpack(body) : JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': opts.contentType ?? (msgpack ? 'application/vnd.msgpack' : 'application/json'),
    ...(opts.accept !== undefined ? { accept: opts.accept } : {}),
    ...opts.headers,
  };
  return app.inject({ method: 'POST', url: '/v1/execute', payload, headers });
}

/** Asserts a coded error response and returns its body. */
export function expectError(res: LightMyRequestResponse, status: number, code: string) {
  const body = res.json() as { error: { code: string; message: string; details?: { path?: string; message: string }[] } };
  expect({ status: res.statusCode, code: body.error?.code }).toEqual({ status, code });
  expect(typeof body.error.message).toBe('string');
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return body.error;
}

/** Timings differ run to run (and the server adds its own phases); everything else must not. */
export function withoutTimings<T extends { stats: Record<string, unknown> }>(r: T): T {
  const { timingsMs: _ignored, ...stats } = r.stats;
  return { ...r, stats };
}

/**
 * A wire result without what legitimately differs between engines: stats and the
 * per-transaction engine labels. Two engines agree iff these are deeply equal.
 */
export function engineNeutral<T extends { stats?: unknown; results: { engine?: unknown }[] }>(r: T): Omit<T, 'stats'> {
  const { stats: _stats, ...rest } = r;
  return { ...rest, results: r.results.map(({ engine: _engine, ...t }) => t) } as Omit<T, 'stats'>;
}

/** What the API must answer, whatever engine runs it: the reference engine's result, in JSON wire form. */
export async function referenceResult(b: WireBatch) {
  const r = await new ReferenceEngine().execute(parseBatch(b));
  return engineNeutral(JSON.parse(JSON.stringify(formatResult(r, jsonCodec))));
}

/** POSTs the batch, expects 200, and checks the answer equals the reference engine's (stats and engine labels aside). */
export async function executeAndCompare(app: FastifyInstance, b: WireBatch) {
  const res = await post(app, b);
  expect(res.statusCode, res.body).toBe(200);
  const got = res.json();
  expect(engineNeutral(got)).toEqual(await referenceResult(b));
  return got;
}

/** The value of one sample line of a Prometheus text exposition, undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',');
    if (want.every((l) => have.includes(l))) return Number(m[3]);
  }
  return undefined;
}
