import { Type, type Static, type TSchema } from 'typebox';
import { FORKS } from '../model/fork.js';

/**
 * TypeBox schemas of the wire (JSON) form. They drive request validation (see
 * validate.ts) and the OpenAPI document. `x-kind` names the hex convention of a
 * string so validation errors can say which convention was broken.
 */
const hex = (kind: string, pattern: string, description: string) =>
  Type.String({ pattern, description, 'x-kind': kind });

export const Quantity = hex('quantity', '^0x[0-9a-fA-F]{1,64}$', 'unsigned integer up to 2^256-1, 0x-hex');
export const Uint64 = hex('u64', '^0x[0-9a-fA-F]{1,16}$', 'unsigned integer up to 2^64-1, 0x-hex');
export const Data = hex('data', '^0x([0-9a-fA-F]{2})*$', 'bytes, 0x-hex of even length');
export const Address = hex('address', '^0x[0-9a-fA-F]{40}$', '20-byte address');
export const Hash = hex('hash', '^0x[0-9a-fA-F]{64}$', '32-byte hash');
export const Word = hex('word', '^0x[0-9a-fA-F]{1,64}$', '256-bit word (storage key or value), 0x-hex');
const AddressKey = '^0x[0-9a-fA-F]{40}$';
const WordKey = '^0x[0-9a-fA-F]{1,64}$';
const BlockNumberKey = '^(0x[0-9a-fA-F]{1,16}|[0-9]{1,20})$';

const strict = { additionalProperties: false };

export const BlockEnvSchema = Type.Object(
  {
    number: Uint64,
    timestamp: Uint64,
    coinbase: Address,
    gasLimit: Uint64,
    chainId: Uint64,
    baseFee: Type.Optional(Quantity),
    prevRandao: Type.Optional(Hash),
    difficulty: Type.Optional(Quantity),
    excessBlobGas: Type.Optional(Uint64),
    parentBeaconBlockRoot: Type.Optional(Hash),
    blockHashes: Type.Optional(Type.Record(Type.String({ pattern: BlockNumberKey }), Hash, strict)),
  },
  { ...strict, description: 'Block environment the batch executes in' },
);

export const AccountSchema = Type.Object(
  {
    balance: Quantity,
    nonce: Uint64,
    code: Type.Optional(Data),
    storage: Type.Optional(Type.Record(Type.String({ pattern: WordKey }), Word, strict)),
  },
  strict,
);

export const AccessListSchema = Type.Array(
  Type.Object({ address: Address, storageKeys: Type.Array(Hash) }, strict),
);

export const AuthorizationSchema = Type.Object(
  { chainId: Quantity, address: Address, nonce: Uint64, yParity: Uint64, r: Quantity, s: Quantity },
  { ...strict, description: 'EIP-7702 authorization tuple, signed by the authority' },
);

export const UnsignedTxSchema = Type.Object(
  {
    type: Type.Optional(hex('u64', '^0x[0-4]$', 'transaction type 0x0..0x4')),
    from: Address,
    to: Type.Union([Address, Type.Null()]),
    nonce: Uint64,
    gas: Uint64,
    gasPrice: Type.Optional(Quantity),
    maxFeePerGas: Type.Optional(Quantity),
    maxPriorityFeePerGas: Type.Optional(Quantity),
    value: Type.Optional(Quantity),
    data: Type.Optional(Data),
    input: Type.Optional(Data),
    chainId: Type.Optional(Uint64),
    accessList: Type.Optional(AccessListSchema),
    maxFeePerBlobGas: Type.Optional(Quantity),
    blobVersionedHashes: Type.Optional(Type.Array(Hash)),
    authorizationList: Type.Optional(Type.Array(AuthorizationSchema)),
  },
  { ...strict, description: 'Transaction with its sender given (sequencer-trusted); `input` is an alias of `data`' },
);

export const RawTxSchema = Type.Object(
  { raw: Data },
  { ...strict, description: 'Signed transaction bytes (EIP-2718 envelope or legacy RLP); the sender is recovered' },
);

export const TxSchema = Type.Union([RawTxSchema, UnsignedTxSchema]);

export const BatchOptionsSchema = Type.Object(
  {
    engine: Type.Optional(Type.String({ description: 'reference (default for now), or any engine listed by GET /v1/engines' })),
    stateRoot: Type.Optional(Type.Boolean({ description: 'compute the post-state root (default true)' })),
  },
  strict,
);

export const BatchSchema = Type.Object(
  {
    fork: Type.String({ description: `mainnet fork: ${FORKS.join(', ')} (aliases: EIP150, EIP158, ConstantinopleFix, Merge)` }),
    env: BlockEnvSchema,
    pre: Type.Record(Type.String({ pattern: AddressKey }), AccountSchema, strict),
    txs: Type.Array(TxSchema),
    options: Type.Optional(BatchOptionsSchema),
  },
  { ...strict, $id: 'Batch' },
);

const LogSchema = Type.Object({ address: Address, topics: Type.Array(Hash), data: Data, logIndex: Quantity });

export const TxResultSchema = Type.Object({
  index: Type.Integer({ description: 'position in the request txs' }),
  type: Quantity,
  from: Address,
  hash: Type.Optional(Hash),
  status: Quantity,
  root: Type.Optional(Hash),
  outcome: Type.String({ description: 'name from the outcome enum' }),
  gasUsed: Quantity,
  cumulativeGasUsed: Quantity,
  logs: Type.Array(LogSchema),
  logsBloom: Data,
  returnData: Data,
  contractAddress: Type.Union([Address, Type.Null()]),
  blobGasUsed: Type.Optional(Quantity),
  blobGasPrice: Type.Optional(Quantity),
  error: Type.Optional(Type.String()),
  engine: Type.String(),
});

const DiffAccountSchema = Type.Object({
  balance: Type.Optional(Quantity),
  nonce: Type.Optional(Quantity),
  code: Type.Optional(Data),
  storage: Type.Optional(Type.Record(Type.String(), Hash)),
});

export const BatchResultSchema = Type.Object(
  {
    results: Type.Array(TxResultSchema),
    rejected: Type.Array(Type.Object({ index: Type.Integer(), code: Type.String(), error: Type.String() })),
    stateDiff: Type.Object({
      pre: Type.Record(Type.String(), DiffAccountSchema),
      post: Type.Record(Type.String(), DiffAccountSchema),
    }),
    stateRoot: Type.Union([Hash, Type.Null()]),
    receiptsRoot: Hash,
    logsBloom: Data,
    logsHash: Hash,
    gasUsed: Quantity,
    blobGasUsed: Quantity,
    stats: Type.Object({}, { additionalProperties: true }),
  },
  { $id: 'BatchResult' },
);

export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'machine-readable code from the error registry' }),
      message: Type.String(),
      details: Type.Optional(Type.Array(Type.Object({ path: Type.Optional(Type.String()), message: Type.String() }))),
    }),
  },
  { $id: 'Error' },
);

export type WireBatchStatic = Static<typeof BatchSchema>;
export type AnySchema = TSchema;
