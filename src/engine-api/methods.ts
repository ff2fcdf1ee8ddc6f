import { forkAtLeast, type Fork } from '../model/fork.js';
import type { Hex } from '../primitives/hex.js';
import { INVALID_PARAMS, method, RpcError, type Json, type MethodTable } from '../rpc/dispatch.js';
import { address, arity, data, hash, invalid, object, quantity } from '../rpc/params.js';
import type { BlockRecord } from '../rollup/store.js';
import { EngineApi, INVALID_ATTRIBUTES, UNSUPPORTED_FORK, type Attributes, type Forkchoice } from './forkchoice.js';
import { formatPayload, parsePayload } from './payload.js';

/**
 * The Engine API's methods (execution-apis, src/engine/): Cancun's and Prague's payload
 * methods, forkchoiceUpdatedV3 with PayloadAttributesV3 and the OP Stack's extension
 * (`transactions`, `noTxPool`, `gasLimit`), capabilities and client version. The chain
 * has one fork from its genesis on; a method of another fork answers -38005.
 */
export interface ClientVersion {
  code: string;
  name: string;
  version: string;
  commit: Hex;
}

const q = (v: bigint): Hex => `0x${v.toString(16)}`;

export const CAPABILITIES = [
  'engine_exchangeCapabilities', 'engine_getClientVersionV1', 'engine_forkchoiceUpdatedV3',
  'engine_newPayloadV3', 'engine_getPayloadV3', 'engine_newPayloadV4', 'engine_getPayloadV4',
] as const;

function forkchoiceState(v: unknown): Forkchoice {
  const o = object(v, 'forkchoiceState');
  return { head: hash(o.headBlockHash, 'headBlockHash'), safe: hash(o.safeBlockHash, 'safeBlockHash'), finalized: hash(o.finalizedBlockHash, 'finalizedBlockHash') };
}

/** PayloadAttributesV3 and the OP Stack's fields; a misfit is -38003 (the spec's), not -32602. */
function attributes(v: unknown): Attributes | undefined {
  if (v === undefined || v === null) return undefined;
  try {
    const o = object(v, 'payloadAttributes');
    if (!Array.isArray(o.withdrawals)) throw invalid('withdrawals: expected an array');
    if (o.withdrawals.length > 0) throw invalid('withdrawals are not supported by the co-processor chain: must be empty');
    if (o.parentBeaconBlockRoot === undefined) throw invalid('parentBeaconBlockRoot is missing');
    const txs = o.transactions ?? [];
    if (!Array.isArray(txs)) throw invalid('transactions: expected an array');
    // The OP Stack's deposits (EIP-2718 type 0x7e) have no meaning here (no L1 to derive from): refused, not dropped.
    const deposit = txs.findIndex((t) => typeof t === 'string' && /^0x7e/i.test(t));
    if (deposit >= 0) throw invalid(`transactions[${deposit}]: OP Stack deposit transactions (type 0x7e) are not supported`);
    if (o.noTxPool !== undefined && typeof o.noTxPool !== 'boolean') throw invalid('noTxPool: expected true or false');
    return {
      timestamp: quantity(o.timestamp, 'timestamp'), prevRandao: hash(o.prevRandao, 'prevRandao'),
      suggestedFeeRecipient: data(address(o.suggestedFeeRecipient, 'suggestedFeeRecipient'), 'suggestedFeeRecipient'),
      parentBeaconBlockRoot: hash(o.parentBeaconBlockRoot, 'parentBeaconBlockRoot'),
      transactions: txs.map((t, i) => data(t, `transactions[${i}]`)),
      gasLimit: o.gasLimit === undefined || o.gasLimit === null ? undefined : quantity(o.gasLimit, 'gasLimit'),
    };
  } catch (e) {
    if (e instanceof RpcError) throw new RpcError(INVALID_ATTRIBUTES, `Invalid payload attributes: ${e.message}`);
    throw e;
  }
}

/** EIP-7685's list: ascending, unique types, each longer than its type byte. */
function requests(v: unknown): Uint8Array[] {
  if (!Array.isArray(v)) throw new RpcError(INVALID_PARAMS, 'executionRequests: expected an array');
  const out = v.map((r, i) => data(r, `executionRequests[${i}]`));
  out.forEach((r, i) => {
    if (r.length <= 1) throw new RpcError(INVALID_PARAMS, `executionRequests[${i}]: a request has a type byte and data`);
    if (i > 0 && r[0] <= out[i - 1][0]) throw new RpcError(INVALID_PARAMS, `executionRequests[${i}]: types must ascend, each once`);
  });
  return out;
}

/** What the fee recipient gains in the block: its balance after less before. */
function blockValue(r: BlockRecord, recipient: string): bigint {
  const d = r.result.stateDiff;
  const post = d.post[recipient]?.balance;
  const pre = d.pre[recipient]?.balance ?? 0n;
  return post === undefined ? 0n : post - pre;
}

export function engineMethods(api: EngineApi, client: ClientVersion): MethodTable {
  const requireFork = (ok: (f: Fork) => boolean, which: string) => {
    if (!ok(api.fork())) throw new RpcError(UNSUPPORTED_FORK, `Unsupported fork: the chain's fork is ${api.fork()}; ${which}`);
  };
  const isCancun = (f: Fork) => forkAtLeast(f, 'Cancun') && !forkAtLeast(f, 'Prague');
  const payloadResponse = (id: Uint8Array, withRequests: boolean): Json => {
    const r = api.getPayload(id);
    const payload = formatPayload(r, api.common());
    return {
      executionPayload: payload as Json,
      blockValue: q(blockValue(r, payload.feeRecipient as string)),
      blobsBundle: { commitments: [], proofs: [], blobs: [] },
      shouldOverrideBuilder: false,
      ...(withRequests ? { executionRequests: [] } : {}),
    };
  };
  const newPayloadParams = (raw: unknown[], v4: boolean) => {
    const [p, hashes, root, reqs] = arity(raw, v4 ? 4 : 3, v4 ? 4 : 3);
    if (!Array.isArray(hashes)) throw new RpcError(INVALID_PARAMS, 'expectedBlobVersionedHashes: expected an array');
    return { payload: parsePayload(p), hashes: hashes.map((h, i) => hash(h, `expectedBlobVersionedHashes[${i}]`)), root: hash(root, 'parentBeaconBlockRoot'), reqs: v4 ? requests(reqs) : [] };
  };
  const newPayload = async ({ payload, hashes, root, reqs }: ReturnType<typeof newPayloadParams>) => {
    // The co-processor carries no blobs: a payload with blob transactions' hashes cannot be checked.
    const blobs = payload.transactions.filter((t) => t[0] === 3).length;
    if (blobs > 0 || hashes.length > 0) return { status: 'INVALID', latestValidHash: null, validationError: 'blob transactions are not supported by the co-processor chain' } as Json;
    return (await api.newPayload(payload, root, reqs)) as unknown as Json;
  };

  return {
    engine_exchangeCapabilities: method((raw) => {
      const [list] = arity(raw, 1, 1);
      if (!Array.isArray(list) || list.some((m) => typeof m !== 'string')) throw invalid('expected an array of method names');
      return list;
    }, () => [...CAPABILITIES]),
    engine_getClientVersionV1: method((raw) => object(arity(raw, 1, 1)[0], 'clientVersion'), () => [{ ...client }]),
    engine_forkchoiceUpdatedV3: method((raw) => {
      const [fc, attrs] = arity(raw, 1, 2);
      return { fc: forkchoiceState(fc), attrs: attrs };
    }, async ({ fc, attrs }) => {
      requireFork((f) => forkAtLeast(f, 'Cancun'), 'forkchoiceUpdatedV3 needs Cancun or later');
      return (await api.forkchoiceUpdated(fc, attributes(attrs))) as unknown as Json;
    }),
    engine_getPayloadV3: method((raw) => data(arity(raw, 1, 1)[0], 'payloadId', 8), (id) => {
      requireFork(isCancun, 'getPayloadV3 is Cancun\'s');
      return payloadResponse(id, false);
    }),
    engine_getPayloadV4: method((raw) => data(arity(raw, 1, 1)[0], 'payloadId', 8), (id) => {
      requireFork((f) => forkAtLeast(f, 'Prague'), 'getPayloadV4 is Prague\'s');
      return payloadResponse(id, true);
    }),
    engine_newPayloadV3: method((raw) => newPayloadParams(raw, false), (p) => {
      requireFork(isCancun, 'newPayloadV3 is Cancun\'s');
      return newPayload(p);
    }),
    engine_newPayloadV4: method((raw) => newPayloadParams(raw, true), (p) => {
      requireFork((f) => forkAtLeast(f, 'Prague'), 'newPayloadV4 is Prague\'s');
      return newPayload(p);
    }),
  };
}
