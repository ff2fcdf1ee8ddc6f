import type {
  BatchResult, BatchResultShape, DiffAccount, DiffAccountShape, Hex, StateDiff, StateDiffShape, TxResultShape,
} from '../model/shapes.js';
import { bigintToBytes32, bytesToHex, quantityToHex, wordToHex } from '../primitives/hex.js';

/**
 * Domain -> wire, once, for every wire form: a codec says how quantities and bytes
 * travel. JSON uses 0x-hex strings; msgpack uses integers (bigint above 2^53, binary
 * above 2^64) and binary. Map keys (addresses, slots) stay hex strings in both.
 */
export interface Codec<Q, B> {
  q(v: bigint): Q;
  b(v: Uint8Array): B;
  /** A storage word: 32 bytes, as the state diff lists slot values. */
  word(v: bigint): B;
}

export const jsonCodec: Codec<Hex, Hex> = { q: quantityToHex, b: bytesToHex, word: wordToHex };

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_UINT64 = (1n << 64n) - 1n;

/**
 * msgpack integers stop at 64 bits, and balances (wei) often exceed that: such
 * quantities travel as minimal big-endian binary, the form requests may use for them
 * too (msgpackToWire reads binary where a quantity is expected as its hex).
 */
export const msgpackCodec: Codec<number | bigint | Uint8Array, Uint8Array> = {
  q: (v) => (v <= MAX_SAFE ? Number(v) : v <= MAX_UINT64 ? v : bigEndianBytes(v)),
  b: (v) => v,
  word: bigintToBytes32,
};

function bigEndianBytes(v: bigint): Uint8Array {
  const h = v.toString(16);
  return Uint8Array.from(Buffer.from(h.length % 2 ? `0${h}` : h, 'hex'));
}

function formatDiffAccount<Q, B>(a: DiffAccount, c: Codec<Q, B>): DiffAccountShape<Q, B> {
  const out: DiffAccountShape<Q, B> = {};
  if (a.balance !== undefined) out.balance = c.q(a.balance);
  if (a.nonce !== undefined) out.nonce = c.q(a.nonce);
  if (a.code !== undefined) out.code = c.b(a.code);
  if (a.storage !== undefined) {
    out.storage = {};
    for (const [k, v] of a.storage) out.storage[wordToHex(k)] = c.word(v);
  }
  return out;
}

export function formatDiff<Q, B>(d: StateDiff, c: Codec<Q, B>): StateDiffShape<Q, B> {
  const pre: Record<string, DiffAccountShape<Q, B>> = {};
  const post: Record<string, DiffAccountShape<Q, B>> = {};
  for (const [k, v] of Object.entries(d.pre)) pre[k] = formatDiffAccount(v, c);
  for (const [k, v] of Object.entries(d.post)) post[k] = formatDiffAccount(v, c);
  return { pre, post };
}

export function formatTxResult<Q, B>(r: TxResultShape<bigint, Uint8Array>, c: Codec<Q, B>): TxResultShape<Q, B> {
  return {
    index: r.index,
    type: c.q(r.type),
    from: c.b(r.from),
    ...(r.hash ? { hash: c.b(r.hash) } : {}),
    status: c.q(r.status),
    ...(r.root ? { root: c.b(r.root) } : {}),
    outcome: r.outcome,
    gasUsed: c.q(r.gasUsed),
    cumulativeGasUsed: c.q(r.cumulativeGasUsed),
    logs: r.logs.map((l) => ({ address: c.b(l.address), topics: l.topics.map(c.b), data: c.b(l.data), logIndex: c.q(l.logIndex) })),
    logsBloom: c.b(r.logsBloom),
    returnData: c.b(r.returnData),
    contractAddress: r.contractAddress ? c.b(r.contractAddress) : null,
    ...(r.blobGasUsed !== undefined ? { blobGasUsed: c.q(r.blobGasUsed) } : {}),
    ...(r.blobGasPrice !== undefined ? { blobGasPrice: c.q(r.blobGasPrice) } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
    engine: r.engine,
  };
}

export function formatResult<Q, B>(r: BatchResult, c: Codec<Q, B>): BatchResultShape<Q, B> {
  return {
    results: r.results.map((x) => formatTxResult(x, c)),
    rejected: r.rejected,
    stateDiff: formatDiff(r.stateDiff, c),
    stateRoot: r.stateRoot ? c.b(r.stateRoot) : null,
    receiptsRoot: c.b(r.receiptsRoot),
    logsBloom: c.b(r.logsBloom),
    logsHash: c.b(r.logsHash),
    gasUsed: c.q(r.gasUsed),
    blobGasUsed: c.q(r.blobGasUsed),
    stats: r.stats,
  };
}
