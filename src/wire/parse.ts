import { forkAtLeast, parseFork } from '../model/fork.js';
import { ServiceError } from '../errors/service-error.js';
import type {
  Account, AccountShape, Batch, BlockEnv, Hex, TxInput, UnsignedTx, UnsignedTxShape, WireBatch,
} from '../model/shapes.js';
import { hexToBytes, hexToQuantity, normalizeAddress } from '../primitives/hex.js';
import { CodeTable } from './code-table.js';

/**
 * Wire (validated JSON) -> domain. Schema checks are done by validate.ts; this adds the
 * checks a schema cannot express (fork names, fee-field combinations, fork-required env).
 */
const q = (h: string | undefined): bigint | undefined => (h === undefined ? undefined : hexToQuantity(h));
const b = (h: string | undefined): Uint8Array | undefined => (h === undefined ? undefined : hexToBytes(h));

export const TX_TYPE = { Legacy: 0n, AccessList: 1n, FeeMarket: 2n, Blob: 3n, SetCode: 4n } as const;

function inferType(tx: UnsignedTxShape<Hex, Hex>): bigint {
  if (tx.type !== undefined) return hexToQuantity(tx.type);
  if (tx.authorizationList !== undefined) return TX_TYPE.SetCode;
  if (tx.blobVersionedHashes !== undefined || tx.maxFeePerBlobGas !== undefined) return TX_TYPE.Blob;
  if (tx.maxFeePerGas !== undefined || tx.maxPriorityFeePerGas !== undefined) return TX_TYPE.FeeMarket;
  if (tx.accessList !== undefined) return TX_TYPE.AccessList;
  return TX_TYPE.Legacy;
}

function checkFeeFields(tx: UnsignedTxShape<Hex, Hex> & { input?: Hex }, type: bigint, i: number): void {
  const fail = (msg: string) => {
    throw new ServiceError('CONFLICTING_FEE_FIELDS', [`/txs/${i}: ${msg}`], [{ path: `/txs/${i}`, message: msg }]);
  };
  const dynamic = type >= TX_TYPE.FeeMarket;
  if (dynamic && tx.gasPrice !== undefined) fail(`type ${type} transactions take maxFeePerGas/maxPriorityFeePerGas, not gasPrice`);
  if (dynamic && (tx.maxFeePerGas === undefined || tx.maxPriorityFeePerGas === undefined)) fail(`type ${type} transactions need maxFeePerGas and maxPriorityFeePerGas`);
  if (!dynamic && (tx.maxFeePerGas !== undefined || tx.maxPriorityFeePerGas !== undefined)) fail(`type ${type} transactions take gasPrice, not maxFeePerGas/maxPriorityFeePerGas`);
  if (!dynamic && tx.gasPrice === undefined) fail(`type ${type} transactions need gasPrice`);
  if (type !== TX_TYPE.Blob && (tx.blobVersionedHashes !== undefined || tx.maxFeePerBlobGas !== undefined)) fail('blob fields need type 0x3');
  if (type === TX_TYPE.Blob && (tx.blobVersionedHashes === undefined || tx.maxFeePerBlobGas === undefined)) fail('type 0x3 transactions need blobVersionedHashes and maxFeePerBlobGas');
  if (type !== TX_TYPE.SetCode && tx.authorizationList !== undefined) fail('authorizationList needs type 0x4');
  if (type === TX_TYPE.SetCode && tx.authorizationList === undefined) fail('type 0x4 transactions need authorizationList');
  if (type === TX_TYPE.Legacy && tx.accessList !== undefined) fail('legacy transactions have no accessList');
  if (tx.data !== undefined && tx.input !== undefined && tx.data !== tx.input) fail('data and input differ');
}

export function parseUnsignedTx(tx: UnsignedTxShape<Hex, Hex> & { input?: Hex }, i: number): UnsignedTx {
  const type = inferType(tx);
  checkFeeFields(tx, type, i);
  return {
    type,
    from: hexToBytes(tx.from),
    to: tx.to === null ? null : hexToBytes(tx.to),
    nonce: hexToQuantity(tx.nonce),
    gas: hexToQuantity(tx.gas),
    gasPrice: q(tx.gasPrice),
    maxFeePerGas: q(tx.maxFeePerGas),
    maxPriorityFeePerGas: q(tx.maxPriorityFeePerGas),
    value: q(tx.value) ?? 0n,
    data: b(tx.data ?? tx.input) ?? new Uint8Array(),
    chainId: q(tx.chainId),
    accessList: tx.accessList?.map((e) => ({ address: hexToBytes(e.address), storageKeys: e.storageKeys.map(hexToBytes) })),
    maxFeePerBlobGas: q(tx.maxFeePerBlobGas),
    blobVersionedHashes: tx.blobVersionedHashes?.map(hexToBytes),
    authorizationList: tx.authorizationList?.map((a) => ({
      chainId: hexToQuantity(a.chainId),
      address: hexToBytes(a.address),
      nonce: hexToQuantity(a.nonce),
      yParity: hexToQuantity(a.yParity),
      r: hexToQuantity(a.r),
      s: hexToQuantity(a.s),
    })),
  };
}

/** `codes` hands out one array per distinct code text (code-table.ts). */
export function parseAccount(a: AccountShape<Hex, Hex>, codes: CodeTable = new CodeTable()): Account {
  const storage = new Map<bigint, bigint>();
  for (const [k, v] of Object.entries(a.storage ?? {})) {
    const value = hexToQuantity(v);
    if (value !== 0n) storage.set(hexToQuantity(k), value);
  }
  return { balance: hexToQuantity(a.balance), nonce: hexToQuantity(a.nonce), code: a.code === undefined ? new Uint8Array() : codes.code(a.code), storage };
}

function parseBlockNumberKey(k: string): bigint {
  return BigInt(k);
}

export function parseEnv(env: WireBatch['env']): BlockEnv {
  const blockHashes = new Map<bigint, Uint8Array>();
  for (const [k, v] of Object.entries(env.blockHashes ?? {})) blockHashes.set(parseBlockNumberKey(k), hexToBytes(v));
  return {
    number: hexToQuantity(env.number),
    timestamp: hexToQuantity(env.timestamp),
    coinbase: hexToBytes(env.coinbase),
    gasLimit: hexToQuantity(env.gasLimit),
    chainId: hexToQuantity(env.chainId),
    baseFee: q(env.baseFee),
    prevRandao: b(env.prevRandao),
    difficulty: q(env.difficulty),
    excessBlobGas: q(env.excessBlobGas),
    parentBeaconBlockRoot: b(env.parentBeaconBlockRoot),
    blockHashes,
  };
}

/**
 * Converts a schema-valid wire batch to the domain form, or throws a coded ServiceError.
 * `codes` is the batch's own table unless the caller keeps one across batches (the registry's).
 */
export function parseBatch(w: WireBatch, codes: CodeTable = new CodeTable()): Batch {
  const fork = parseFork(w.fork);
  if (!fork) throw new ServiceError('UNKNOWN_FORK', [JSON.stringify(w.fork)], [{ path: '/fork', message: `unknown fork ${w.fork}` }]);
  if (forkAtLeast(fork, 'London') && w.env.baseFee === undefined) {
    throw new ServiceError('MISSING_ENV_FIELD', [`/env: baseFee is required from London (fork ${fork})`], [{ path: '/env/baseFee', message: 'required from London' }]);
  }
  const pre = new Map<string, Account>();
  for (const [addr, acct] of Object.entries(w.pre)) pre.set(normalizeAddress(addr), parseAccount(acct, codes));
  const txs: TxInput[] = w.txs.map((t, i) =>
    'raw' in t ? { kind: 'raw', raw: hexToBytes(t.raw) } : { kind: 'unsigned', tx: parseUnsignedTx(t, i) },
  );
  return {
    fork,
    env: parseEnv(w.env),
    pre,
    txs,
    options: { ...w.options, stateRoot: w.options?.stateRoot ?? true },
  };
}
