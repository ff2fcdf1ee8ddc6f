import { Type } from 'typebox';
import { ServiceError } from '../errors/service-error.js';
import type {
  AccountView, AccountViewShape, ChainBlock, ChainBlockResultShape, ChainBlockShape, ChainEnvShape, ChainHead, ChainHeadShape, ChainInit, ChainInitShape, ChainNumberShape,
} from '../model/chain.js';
import { parseFork } from '../model/fork.js';
import type { Account, BatchResult, Hex, TxInput } from '../model/shapes.js';
import { hexToBytes, hexToQuantity, normalizeAddress } from '../primitives/hex.js';
import { CodeTable } from './code-table.js';
import type { Codec } from './format.js';
import { formatResult } from './format.js';
import { parseAccount, parseEnv, parseUnsignedTx } from './parse.js';
import { AccountSchema, Address, BatchResultSchema, BlockEnvSchema, Data, Hash, Quantity, TxSchema, Uint64 } from './schemas.js';
import { compile, toServiceError } from './validate.js';

/**
 * The chain's wire form (rollup co-processor mode, /v1/chain/*): TypeBox schemas for
 * validation and the OpenAPI document, wire -> domain, domain -> wire. The env and the
 * transactions are those of /v1/execute.
 */
const strict = { additionalProperties: false };
const { blockHashes: _hashes, number: _number, chainId: _chainId, ...envFields } = BlockEnvSchema.properties;

const ChainEnvSchema = Type.Object(
  { number: Type.Optional(Uint64), ...envFields, chainId: Type.Optional(Uint64) },
  { ...strict, description: "The /v1/execute env without blockHashes (BLOCKHASH serves the chain's own hashes); number and chainId, when given, must be the block's and the chain's" },
);

export const ChainInitSchema = Type.Object(
  {
    fork: Type.String({ description: 'the fork every block of the chain runs at' }),
    chainId: Uint64,
    alloc: Type.Record(Type.String({ pattern: '^0x[0-9a-fA-F]{40}$' }), AccountSchema, { ...strict, description: 'the genesis state, in the /v1/execute pre form' }),
    env: Type.Object({ ...ChainEnvSchema.properties, number: Uint64 }, { ...strict, description: 'number, timestamp, gasLimit and baseFee (and the rest) make the genesis header' }),
  },
  { ...strict, $id: 'ChainInit' },
);

export const ChainBlockSchema = Type.Object(
  {
    number: Uint64,
    parentHash: Type.Optional(Hash),
    env: ChainEnvSchema,
    txs: Type.Array(TxSchema),
    options: Type.Optional(Type.Object({ engine: Type.Optional(Type.String({ description: 'any engine of GET /v1/engines that takes a state source (not reference)' })) }, strict)),
  },
  { ...strict, $id: 'ChainBlock' },
);

export const ChainNumberSchema = Type.Object({ number: Uint64 }, { ...strict, $id: 'ChainNumber' });

export const ChainHeadSchema = Type.Object(
  { number: Quantity, hash: Hash, stateRoot: Hash, finalized: Quantity },
  { $id: 'ChainHead' },
);

const { stateRoot: _nullableRoot, ...resultFields } = BatchResultSchema.properties;

export const ChainBlockResultSchema = Type.Object(
  { number: Quantity, hash: Hash, parentHash: Hash, stateRoot: Hash, transactionsRoot: Hash, ...resultFields },
  { $id: 'ChainBlockResult', description: 'The /v1/execute result of the block, with its number, hash, parent and roots (stateRoot is never null)' },
);

export const ChainAccountSchema = Type.Object(
  {
    balance: Quantity,
    nonce: Quantity,
    codeHash: Hash,
    code: Data,
    storage: Type.Record(Type.String(), Quantity, { description: 'the slots asked for, as 32-byte keys' }),
  },
  { $id: 'ChainAccount' },
);

export const AddressParam = Address;

function validator<T>(schema: object): (body: unknown) => asserts body is T {
  return (body) => {
    const v = compile(schema);
    if (body === undefined || body === null) throw new ServiceError('EMPTY_BODY');
    if (!v(body)) throw toServiceError(body, v.errors ?? []);
  };
}

export const validateChainInit: (b: unknown) => asserts b is ChainInitShape<Hex, Hex> = validator(ChainInitSchema);
export const validateChainBlock: (b: unknown) => asserts b is ChainBlockShape<Hex, Hex> = validator(ChainBlockSchema);
export const validateChainNumber: (b: unknown) => asserts b is ChainNumberShape<Hex> = validator(ChainNumberSchema);

function parseChainEnv(w: ChainEnvShape<Hex, Hex>): ChainBlock['env'] {
  const { blockHashes: _b, ...env } = parseEnv({ ...w, number: w.number ?? '0x0', chainId: w.chainId ?? '0x0' });
  return { ...env, number: w.number === undefined ? undefined : env.number, chainId: w.chainId === undefined ? undefined : env.chainId };
}

export function parseChainInit(w: ChainInitShape<Hex, Hex>): ChainInit {
  const fork = parseFork(w.fork);
  if (!fork) throw new ServiceError('UNKNOWN_FORK', [JSON.stringify(w.fork)], [{ path: '/fork', message: `unknown fork ${w.fork}` }]);
  const alloc = new Map<string, Account>();
  const codes = new CodeTable();
  for (const [addr, a] of Object.entries(w.alloc)) alloc.set(normalizeAddress(addr), parseAccount(a, codes));
  const env = parseChainEnv(w.env);
  return { fork, chainId: hexToQuantity(w.chainId), alloc, env: { ...env, number: hexToQuantity(w.env.number) } };
}

export function parseChainBlock(w: ChainBlockShape<Hex, Hex>): ChainBlock {
  const txs: TxInput[] = w.txs.map((t, i) => ('raw' in t ? { kind: 'raw', raw: hexToBytes(t.raw) } : { kind: 'unsigned', tx: parseUnsignedTx(t, i) }));
  return {
    number: hexToQuantity(w.number),
    ...(w.parentHash !== undefined ? { parentHash: hexToBytes(w.parentHash) } : {}),
    env: parseChainEnv(w.env),
    txs,
    options: { ...w.options },
  };
}

/** A block number in a path or query: 0x-hex or decimal. */
export function parseBlockNumber(text: string, where: string): bigint {
  if (!/^(0x[0-9a-fA-F]{1,16}|[0-9]{1,20})$/.test(text)) throw new ServiceError('INVALID_HEX', [`${where}: '${text}' is not a block number (0x-hex or decimal)`], [{ path: where, message: 'a block number' }]);
  const n = BigInt(text);
  if (n >= 1n << 64n) throw new ServiceError('VALUE_OUT_OF_RANGE', [`${where}: ${text} is above 2^64-1`], [{ path: where, message: 'at most 64 bits' }]);
  return n;
}

export interface StoredBlock {
  number: bigint;
  hash: Uint8Array;
  parentHash: Uint8Array;
  stateRoot: Uint8Array;
  transactionsRoot: Uint8Array;
  result: BatchResult;
}

export function formatChainBlock<Q, B>(b: StoredBlock, c: Codec<Q, B>): ChainBlockResultShape<Q, B> {
  // The stats last: the route writes the rest of a new block's JSON while it commits, and appends them once it is durable.
  const { stats, ...r } = formatResult(b.result, c);
  return { number: c.q(b.number), hash: c.b(b.hash), parentHash: c.b(b.parentHash), ...r, stateRoot: c.b(b.stateRoot), transactionsRoot: c.b(b.transactionsRoot), stats };
}

export function formatChainHead<Q, B>(h: ChainHead, c: Codec<Q, B>): ChainHeadShape<Q, B> {
  return { number: c.q(h.number), hash: c.b(h.hash), stateRoot: c.b(h.stateRoot), finalized: c.q(h.finalized) };
}

export function formatAccountView<Q, B>(v: AccountView, c: Codec<Q, B>): AccountViewShape<Q, B> {
  return { balance: c.q(v.balance), nonce: c.q(v.nonce), codeHash: c.b(v.codeHash), code: c.b(v.code), storage: Object.fromEntries(Object.entries(v.storage).map(([k, x]) => [k, c.q(x)])) };
}
