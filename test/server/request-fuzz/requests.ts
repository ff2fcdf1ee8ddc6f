import { workloadCases } from '../../../bench/workloads/index.js';
import type { WireBatch } from '../../../src/model/shapes.js';
import { encodeMsgpack, MSGPACK_TYPES } from '../../../src/wire/msgpack.js';
import { BlockStream, genesis } from '../../support/chain-blocks.js';
import { ALICE, batch, funded, key, signRaw, transfer } from '../helpers.js';
import { damageBytes, damageText, deep, mutateOnce, randomValue, toJsonText, type Rand } from './mutate.js';

/** One request of the fuzzer: what `fetch` sends, and a label for the tallies. */
export interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface Seeds {
  execute: WireBatch[];
  /** Signed transaction bytes, to damage. */
  raw: string[];
  init: unknown;
  block: unknown;
}

const JSON_TYPE = 'application/json';
const WRONG_TYPES = ['text/plain', 'application/xml', 'application/jsonx', 'application/json-patch+json', 'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded', 'application/octet-stream', 'application/json; charset=latin1', 'APPLICATION/JSON', 'application/vnd.msgpack; x=1', ''];
const ACCEPTS = ['application/json', 'application/vnd.msgpack', '*/*', 'text/html', 'application/*;q=0.5', 'application/json;q=0', '', ';;;,,,q=', 'application/msgpack'];
const ENGINES = ['reference', 'cpu', 'warp-drive', '', 'REFERENCE'];
const RPC_METHODS = ['eth_chainId', 'eth_blockNumber', 'eth_getBlockByNumber', 'eth_getBlockByHash', 'eth_getTransactionByHash', 'eth_getTransactionReceipt', 'eth_getBalance',
  'eth_getTransactionCount', 'eth_getCode', 'eth_getStorageAt', 'eth_getProof', 'eth_call', 'eth_estimateGas', 'eth_syncing', 'net_version', 'web3_clientVersion', 'eth_sendRawTransaction', 'nope'];
const GETS = ['/healthz', '/metrics', '/v1/engines', '/v1/stats', '/docs', '/docs/', '/docs/json', '/docs/yaml', '/docs/static/index.html', '/docs/nope', '/v1/chain/head'];

/** Valid seeds: tiny batches on the CPU engines, signed and unsigned, and a genesis and block for the chain routes. */
export function makeSeeds(): Seeds {
  const signer = key(3);
  const raw = [0, 1, 2].map((n) => signRaw('Prague', { type: 2, nonce: BigInt(n), to: ALICE, gasLimit: 21_000n, maxFeePerGas: 10n, maxPriorityFeePerGas: 1n, value: 1n, chainId: 1n }, signer.priv).raw);
  const legacy = signRaw('Prague', { type: 0, nonce: 0n, to: ALICE, gasLimit: 21_000n, gasPrice: 10n, chainId: 1n }, key(4).priv).raw;
  const [erc20] = [...workloadCases('erc20-transfer', { sizes: [3], seed: 7, quickBlocks: 1 })];
  const engine = (b: WireBatch, e: string): WireBatch => ({ ...b, options: { ...b.options, engine: e } });
  const execute = [
    engine(batch({ txs: [transfer(ALICE, 0), transfer(ALICE, 1)] }), 'cpu'),
    engine(batch({ pre: funded(ALICE, signer.address, key(4).address), txs: [...raw.map((r) => ({ raw: r })), { raw: legacy }] }), 'cpu'),
    engine(erc20.batch, 'cpu'),
  ];
  return { execute, raw: [...raw, legacy], init: genesis(), block: new BlockStream(5, 3).block(1n, 1012n) };
}

const hexOf = (b: Uint8Array) => `0x${Buffer.from(b).toString('hex')}`;

/** A body for `value`: mostly JSON or msgpack of a mutation, sometimes damaged text or bytes. */
function body(value: unknown, r: Rand, maxBytes: number): { body: string | Uint8Array; type: string } {
  let v = value;
  for (let i = 0, n = 1 + r.below(3); i < n; i++) v = mutateOnce(v, r, maxBytes);
  const roll = r.below(20);
  if (roll < 11) return { body: roll < 3 ? damageText(toJsonText(v), r) : toJsonText(v), type: JSON_TYPE };
  if (roll < 17) {
    let bytes: Uint8Array;
    try {
      bytes = encodeMsgpack(JSON.parse(toJsonText(v)));
    } catch {
      bytes = r.bytes(64);
    }
    return { body: roll < 14 ? bytes : damageBytes(bytes, r), type: r.pick(MSGPACK_TYPES) };
  }
  if (roll === 17) return { body: Uint8Array.from([...Array(r.below(2) === 0 ? 50_000 : 500).fill(0x91), 0x01]), type: r.pick(MSGPACK_TYPES) };
  return { body: roll === 18 ? toJsonText(v) : r.bytes(r.below(200)), type: r.pick(WRONG_TYPES) };
}

function post(kind: string, path: string, value: unknown, r: Rand, maxBytes: number): FuzzRequest {
  const b = body(value, r, maxBytes);
  const headers: Record<string, string> = b.type === '' ? {} : { 'content-type': b.type };
  if (r.below(5) === 0) headers.accept = r.pick(ACCEPTS);
  return { kind, method: 'POST', path, headers, body: b.body };
}

/** A batch whose transactions carry random or damaged signed bytes. */
function rawTxBatch(s: Seeds, r: Rand): WireBatch {
  const txs = Array.from({ length: 1 + r.below(3) }, () => ({ raw: hexOf(r.below(2) === 0 ? r.bytes(r.below(200)) : damageBytes(Buffer.from(r.pick(s.raw).slice(2), 'hex'), r)) }));
  return { ...seed(s, r), txs } as WireBatch;
}

function rpc(r: Rand, maxBytes: number): FuzzRequest {
  const one = () => {
    const params = Array.from({ length: r.below(4) }, () => r.pick<unknown>(['latest', 'pending', 'earliest', 'safe', 'finalized', '0x0', '0x1', `0x${'ab'.repeat(20)}`, `0x${'cd'.repeat(32)}`,
      { to: `0x${'00'.repeat(19)}c1`, data: hexOf(r.bytes(r.below(70))) }, { blockHash: `0x${'00'.repeat(32)}` }, randomValue(r), true]));
    return { jsonrpc: r.below(10) === 0 ? '1.0' : '2.0', id: r.pick<unknown>([1, 'a', null, 1.5, {}, undefined]), method: r.pick(RPC_METHODS), params: r.below(8) === 0 ? randomValue(r) : params };
  };
  const value = r.below(5) === 0 ? Array.from({ length: r.below(r.below(8) === 0 ? 1100 : 5) }, one) : one();
  const req = post('rpc', '/rpc', value, r, maxBytes);
  // The JSON-RPC route reads JSON only: most of its bodies are JSON, damaged or not.
  if (r.below(3) > 0 && typeof req.body !== 'string') {
    req.body = r.below(3) === 0 ? damageText(toJsonText(value), r) : toJsonText(value);
    req.headers['content-type'] = JSON_TYPE;
  }
  return req;
}

/** Paths with odd segments and query strings for the chain's read routes. */
function chainGet(r: Rand): FuzzRequest {
  const n = r.pick(['0', '1', '0x0', '0x1', '0x', '-1', '1e3', `0x${'f'.repeat(80)}`, '18446744073709551616', 'latest', '%zz', '%00', '..', '', 'ü', '0x1?x=1']);
  const address = r.pick([ALICE, `0x${'00'.repeat(19)}c1`, '0x1234', `0x${'zz'.repeat(20)}`, `0X${'AB'.repeat(20)}`, '%2e%2e', 'x'.repeat(3000)]);
  const query = r.pick(['', '?storage=0x1,0x2', `?storage=${'0x1,'.repeat(500)}`, '?storage=zz', '?block=0x0', '?block=99', '?block=-1', '?storage=0x1&storage=0x2', '?block=%ff', `?storage=0x${'1'.repeat(65)}`]);
  const path = r.pick([`/v1/chain/blocks/${n}`, `/v1/chain/accounts/${address}${query}`, '/v1/chain/head', `/v1/chain/head${query}`, '/v1/chain/blocks/', '/v1/chain/']);
  const headers: Record<string, string> = r.below(3) === 0 ? { accept: r.pick(ACCEPTS) } : {};
  return { kind: 'chain-get', method: 'GET', path, headers };
}

/** A request with a method the route does not take, or a path no route has. */
function wrongMethod(r: Rand): FuzzRequest {
  const method = r.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'POST']);
  const path = r.pick(['/v1/execute', '/rpc', '/v1/chain/init', '/v1/chain/blocks', '/healthz', '/metrics', '/v1/engines', '/nope', '/v1/execute/', '//v1/execute', '/v1/execute?x=%zz', '/%', `/${'a'.repeat(5000)}`]);
  const withBody = method !== 'GET' && method !== 'HEAD' && r.below(2) === 0;
  return { kind: 'wrong-method', method, path, headers: withBody ? { 'content-type': JSON_TYPE } : {}, ...(withBody ? { body: '{}' } : {}) };
}

/** The next fuzz request, drawn over every endpoint. `valid` returns an unmutated batch, for the executed share. */
export function nextRequest(s: Seeds, r: Rand, maxBytes: number): FuzzRequest {
  const roll = r.below(100);
  if (roll < 2 && r.below(3) === 0) return { kind: 'execute-valid', method: 'POST', path: '/v1/execute', headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(seed(s, r)) };
  if (roll < 22) return post('execute', '/v1/execute', withEngine(seed(s, r), r), r, maxBytes);
  if (roll < 27) return post('execute-raw', '/v1/execute', rawTxBatch(s, r), r, maxBytes);
  if (roll < 30) return post('execute-deep', '/v1/execute', { ...seed(s, r), [r.pick(['txs', 'env', 'pre', 'options'])]: deep(1 + r.below(1000), r.below(2) === 0) }, r, maxBytes);
  if (roll < 33) return post('execute-random', '/v1/execute', randomValue(r), r, maxBytes);
  if (roll < 45) return rpc(r, maxBytes);
  if (roll < 52) return post('chain-block', '/v1/chain/blocks', s.block, r, maxBytes);
  if (roll < 55) return post('chain-init', '/v1/chain/init', s.init, r, maxBytes);
  if (roll < 58) return post('chain-number', r.pick(['/v1/chain/rollback', '/v1/chain/finalize']), { number: r.pick(['0x0', '0x1', '0x5', '0x', '1']) }, r, maxBytes);
  if (roll < 70) return chainGet(r);
  if (roll < 84) return { kind: 'get', method: 'GET', path: r.pick(GETS), headers: r.below(3) === 0 ? { accept: r.pick(ACCEPTS) } : {} };
  return wrongMethod(r);
}

/** A seed batch: mostly the cheap transfers, the ERC-20 batch (slowest to execute here) now and then. */
function seed(s: Seeds, r: Rand): WireBatch {
  const roll = r.below(10);
  return s.execute[roll < 6 ? 0 : roll < 9 ? 1 : 2];
}

function withEngine(b: WireBatch, r: Rand): WireBatch {
  return r.below(6) === 0 ? { ...b, options: { ...b.options, engine: r.pick(ENGINES) } } : b;
}

/**
 * Bytes written straight to a socket (`path` unused): broken request lines and headers,
 * oversized headers, and bodies past a lying Content-Length.
 */
export function rawWire(s: Seeds, r: Rand): FuzzRequest {
  const body = JSON.stringify(s.execute[0]);
  const line = r.pick(['POST /v1/execute HTTP/1.1', 'GET /healthz HTTP/1.1', 'POST /rpc HTTP/1.1', 'GET /healthz HTTP/1.0', 'HELLO', 'GET /healthz HTTP/9.9', 'GET  /healthz HTTP/1.1', 'GET /he\u0001lthz HTTP/1.1']);
  const headers = r.pick(['Content-Type: application/json', 'Content-Type: application/json\r\nContent-Length: 5', 'Content-Length: -1', 'Content-Length: 1, 2', 'Transfer-Encoding: chunked',
    'Transfer-Encoding: chunked\r\nContent-Length: 3', 'broken header', `X-Big: ${'a'.repeat(r.below(2) === 0 ? 20_000 : 100)}`, 'Host: a\r\nHost: b', 'Content-Type: application/json\r\nContent-Length: 0']);
  const tail = r.pick([body, body.slice(0, r.below(body.length)), 'zz\r\n', '0\r\n\r\n', '', '{}']);
  const text = `${line}\r\nHost: 127.0.0.1\r\n${headers}\r\nConnection: close\r\n\r\n${tail}`;
  return { kind: 'raw-wire', method: 'RAW', path: '', headers: {}, body: r.below(4) === 0 ? damageBytes(Buffer.from(text, 'latin1'), r) : text };
}

/** Giant bodies: just under and over the body limit. */
export function giant(s: Seeds, r: Rand, bodyLimit: number): FuzzRequest {
  const over = r.below(2) === 0;
  const target = over ? bodyLimit + 1 + r.below(1000) : bodyLimit - 200 - r.below(1000);
  const b = { ...s.execute[0], txs: [transfer(ALICE, 0, { data: '0x' })] } as WireBatch & { txs: { data: string }[] };
  const base = JSON.stringify(b).length;
  b.txs[0].data = `0x${'ab'.repeat(Math.max(0, Math.floor((target - base) / 2)))}`;
  return { kind: over ? 'giant-over' : 'giant-under', method: 'POST', path: '/v1/execute', headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(b) };
}
