import type { AuthorizationTuple, EncodableTx } from '../chain/tx-encode.js';
import { jsonError } from './errors.js';
import {
  asArray, asObject, optionalNumber, parseAddress, parseBytes, parseHash, parseNumber, parseU64,
} from './json-values.js';

/**
 * A transaction in geth's JSON (RPC) form, as t8n reads `txs.json`: either signed
 * (v, r, s) or unsigned with a `secretKey` to sign it with. geth decides the type by
 * the `type` field alone; when it is absent this reader infers it from the fields
 * present, which accepts everything geth accepts and a little more. Its fields are the
 * encodable ones (src/chain/tx-encode.ts) and what t8n reads besides.
 */
export interface JsonTx extends EncodableTx {
  secretKey?: Uint8Array;
  /** Legacy only: sign with EIP-155 replay protection (geth's default). */
  protected: boolean;
}

function inferType(t: Record<string, unknown>): number {
  if (t.type !== undefined && t.type !== null) {
    const type = parseU64(t.type, 'type');
    if (type > 4n) throw jsonError(`transaction type ${type} not supported`);
    return Number(type);
  }
  if (t.authorizationList !== undefined) return 4;
  if (t.blobVersionedHashes !== undefined || t.maxFeePerBlobGas !== undefined) return 3;
  if (t.maxFeePerGas !== undefined || t.maxPriorityFeePerGas !== undefined) return 2;
  if (t.accessList !== undefined && t.accessList !== null) return 1;
  return 0;
}

function need(t: Record<string, unknown>, key: string, where: string): unknown {
  if (t[key] === undefined || t[key] === null) throw jsonError(`${where}: missing required field '${key}' in transaction`);
  return t[key];
}

function parseAccessList(v: unknown, where: string): [Uint8Array, Uint8Array[]][] {
  if (v === undefined || v === null) return [];
  return asArray(v, where).map((e, i) => {
    const o = asObject(e, `${where}[${i}]`);
    const keys = o.storageKeys === undefined || o.storageKeys === null ? [] : asArray(o.storageKeys, `${where}[${i}].storageKeys`);
    return [parseAddress(o.address, `${where}[${i}].address`), keys.map((k, j) => parseHash(k, `${where}[${i}].storageKeys[${j}]`))];
  });
}

function parseAuthorization(v: unknown, where: string): AuthorizationTuple {
  const a = asObject(v, where);
  // geth names the signature parity `yParity`; state-test fixtures call it `v`.
  const parity = a.yParity ?? a.v;
  return {
    chainId: parseNumber(need(a, 'chainId', where), `${where}.chainId`),
    address: parseAddress(need(a, 'address', where), `${where}.address`),
    nonce: parseU64(need(a, 'nonce', where), `${where}.nonce`),
    yParity: parity === undefined ? 0n : parseU64(parity, `${where}.yParity`),
    r: parseNumber(a.r ?? '0x0', `${where}.r`),
    s: parseNumber(a.s ?? '0x0', `${where}.s`),
  };
}

export function parseJsonTx(json: unknown, index: number): JsonTx {
  const where = `txs[${index}]`;
  const t = asObject(json, where);
  const type = inferType(t);
  const dynamic = type >= 2;
  const input = t.input ?? t.data;
  const tx: JsonTx = {
    type,
    chainId: optionalNumber(t.chainId, `${where}.chainId`),
    nonce: parseU64(need(t, 'nonce', where), `${where}.nonce`),
    gas: parseU64(need({ gas: t.gas ?? t.gasLimit }, 'gas', where), `${where}.gas`),
    gasPrice: dynamic ? undefined : parseNumber(need(t, 'gasPrice', where), `${where}.gasPrice`),
    maxFeePerGas: dynamic ? parseNumber(need(t, 'maxFeePerGas', where), `${where}.maxFeePerGas`) : undefined,
    maxPriorityFeePerGas: dynamic ? parseNumber(need(t, 'maxPriorityFeePerGas', where), `${where}.maxPriorityFeePerGas`) : undefined,
    to: t.to === undefined || t.to === null || t.to === '' ? null : parseAddress(t.to, `${where}.to`),
    value: optionalNumber(t.value, `${where}.value`) ?? 0n,
    data: input === undefined || input === null ? new Uint8Array() : parseBytes(input, `${where}.input`),
    accessList: parseAccessList(t.accessList, `${where}.accessList`),
    maxFeePerBlobGas: type === 3 ? parseNumber(need(t, 'maxFeePerBlobGas', where), `${where}.maxFeePerBlobGas`) : undefined,
    blobVersionedHashes: type === 3
      ? asArray(need(t, 'blobVersionedHashes', where), `${where}.blobVersionedHashes`).map((h, i) => parseHash(h, `${where}.blobVersionedHashes[${i}]`))
      : [],
    authorizationList: type === 4
      ? asArray(need(t, 'authorizationList', where), `${where}.authorizationList`).map((a, i) => parseAuthorization(a, `${where}.authorizationList[${i}]`))
      : [],
    v: optionalNumber(t.v ?? t.yParity, `${where}.v`) ?? 0n,
    r: optionalNumber(t.r, `${where}.r`) ?? 0n,
    s: optionalNumber(t.s, `${where}.s`) ?? 0n,
    secretKey: t.secretKey === undefined || t.secretKey === null ? undefined : parseHash(t.secretKey, `${where}.secretKey`),
    protected: t.protected === undefined ? true : t.protected === true,
  };
  if (t.input !== undefined && t.data !== undefined && t.input !== t.data) throw jsonError(`${where}: both input and data given and they differ`);
  return tx;
}

export const isUnsigned = (tx: JsonTx) => tx.v === 0n && tx.r === 0n && tx.s === 0n;

