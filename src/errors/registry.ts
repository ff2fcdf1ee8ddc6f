/**
 * Every error the service reports, in one registry: a stable machine-readable code,
 * the HTTP status it maps to, and a message template. Codes are part of the public
 * API (documented in the OpenAPI document); never rename one.
 */
export const ServiceErrors = {
  // Request envelope
  UNAUTHORIZED: { status: 401, message: 'a valid bearer token is required: Authorization: Bearer <token>' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'content type %s is not supported; use application/json or application/vnd.msgpack' },
  NOT_ACCEPTABLE: { status: 406, message: 'cannot produce %s; accept application/json or application/vnd.msgpack' },
  BODY_TOO_LARGE: { status: 413, message: 'request body exceeds the limit of %s bytes' },
  INVALID_JSON: { status: 400, message: 'request body is not valid JSON: %s' },
  INVALID_MSGPACK: { status: 400, message: 'request body is not valid msgpack: %s' },
  EMPTY_BODY: { status: 400, message: 'request body is empty' },
  // Schema violations, most specific first
  MISSING_FIELD: { status: 400, message: '%s' },
  UNKNOWN_FIELD: { status: 400, message: '%s' },
  INVALID_TYPE: { status: 400, message: '%s' },
  INVALID_HEX: { status: 400, message: '%s' },
  VALUE_OUT_OF_RANGE: { status: 400, message: '%s' },
  INVALID_REQUEST: { status: 400, message: '%s' },
  // Batch semantics
  UNKNOWN_FORK: { status: 400, message: 'unknown fork %s' },
  UNKNOWN_ENGINE: { status: 400, message: 'unknown engine %s' },
  ENGINE_UNAVAILABLE: { status: 503, message: 'engine %s is not available on this server: %s' },
  MISSING_ENV_FIELD: { status: 400, message: '%s' },
  CONFLICTING_FEE_FIELDS: { status: 400, message: '%s' },
  TOO_MANY_TXS: { status: 400, message: 'batch has %s transactions; the limit is %s' },
  BATCH_GAS_TOO_HIGH: { status: 400, message: 'batch declares %s gas in total; the limit is %s' },
  // Load: both carry Retry-After, and neither changed any state
  OVERLOADED: { status: 503, message: 'the service is at capacity (%s); retry later' },
  EXECUTION_TIMEOUT: { status: 503, message: 'the batch did not finish within %s ms and was abandoned; nothing was applied' },
  STATE_SOURCE_UNSUPPORTED: { status: 400, message: 'engine %s cannot execute against stored state: %s' },
  // The chain (rollup co-processor mode, /v1/chain/*)
  CHAIN_NOT_ENABLED: { status: 404, message: 'the chain routes need a data directory (--data-dir or EVMGPU_DATA_DIR)' },
  CHAIN_NOT_INITIALISED: { status: 409, message: 'the chain has no genesis yet: POST /v1/chain/init first' },
  CHAIN_ALREADY_INITIALISED: { status: 409, message: 'the chain is already initialised with a different genesis (block %s, hash %s)' },
  BLOCK_OUT_OF_ORDER: { status: 409, message: 'block %s is not the next block: the head is block %s (%s)' },
  BLOCK_CONFLICT: { status: 409, message: 'block %s is already applied with different content; roll back first' },
  PARENT_HASH_MISMATCH: { status: 409, message: 'parentHash %s is not the hash of the head, block %s (%s)' },
  TIMESTAMP_DECREASES: { status: 409, message: 'timestamp %s is below the head\'s timestamp %s' },
  BLOCK_NUMBER_MISMATCH: { status: 400, message: 'env.number %s differs from the block number %s' },
  CHAIN_ID_MISMATCH: { status: 400, message: 'env.chainId %s differs from the chain id %s' },
  BLOCK_NOT_FOUND: { status: 404, message: 'block %s is not in the chain (the head is block %s)' },
  STATE_NOT_AVAILABLE: { status: 404, message: 'the state at block %s is not kept: blocks %s to %s are within the rollback window' },
  ROLLBACK_BELOW_FINALIZED: { status: 409, message: 'cannot roll back to block %s: block %s is finalized' },
  ROLLBACK_BEYOND_WINDOW: { status: 409, message: 'cannot roll back to block %s: reverse diffs are kept down to block %s' },
  STORE_FULL: { status: 507, message: 'the chain store cannot take the block: %s' },
  // The distributed mode (serve --nats, src/queue/)
  QUEUE_UNAVAILABLE: { status: 503, message: 'the batch queue cannot be reached: %s' },
  BATCH_PENDING: { status: 503, message: 'batch %s is queued or running and had no result within %s ms; its result will be at GET /v1/results/%s' },
  BATCH_FAILED: { status: 503, message: 'batch %s was delivered %s times and no worker finished it (each stopped or stalled while running it)' },
  RESULTS_NOT_ENABLED: { status: 404, message: 'results are kept only in the distributed mode (serve --nats)' },
  RESULT_NOT_FOUND: { status: 404, message: 'no result for batch %s: it is unknown, still queued or running, or its result expired' },
  // Everything else
  NOT_FOUND: { status: 404, message: 'route %s not found' },
  INTERNAL: { status: 500, message: 'internal error: %s' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ServiceErrorCode = keyof typeof ServiceErrors;

/**
 * Why a transaction was rejected (it is invalid in its block and changes no state).
 * These travel in `rejected[].code`, not as HTTP errors: a batch with invalid
 * transactions is still a successful request.
 */
export const TxRejections = {
  TX_DECODE: 'transaction bytes do not decode',
  TX_INVALID_SIGNATURE: 'signature is invalid or the sender cannot be recovered',
  TX_TYPE_NOT_ACTIVE: 'transaction type is not active at this fork',
  TX_NONCE_TOO_LOW: 'nonce is lower than the account nonce',
  TX_NONCE_TOO_HIGH: 'nonce is higher than the account nonce',
  TX_NONCE_MAX: 'account nonce is at its maximum',
  TX_INSUFFICIENT_FUNDS: 'sender cannot pay gas limit times fee cap plus value',
  TX_INTRINSIC_GAS: 'gas limit is below the intrinsic gas (or the EIP-7623 floor)',
  TX_FEE_CAP_BELOW_BASE_FEE: 'fee cap is below the block base fee',
  TX_PRIORITY_FEE_ABOVE_FEE_CAP: 'max priority fee per gas exceeds max fee per gas',
  TX_BLOB_FEE_CAP_BELOW_BLOB_BASE_FEE: 'max fee per blob gas is below the blob base fee',
  TX_BLOB_INVALID: 'blob transaction is malformed (no blobs, too many, or bad versioned hash)',
  TX_BLOB_GAS_EXCEEDS_BLOCK: 'blob gas would exceed the block blob gas limit',
  TX_GAS_LIMIT_EXCEEDS_BLOCK: 'gas limit exceeds the gas left in the block',
  TX_GAS_LIMIT_CAP: 'gas limit exceeds the per-transaction cap',
  TX_SENDER_NOT_EOA: 'sender has code (EIP-3607)',
  TX_INITCODE_TOO_LARGE: 'init code exceeds the EIP-3860 limit',
  TX_CREATE_NOT_ALLOWED: 'this transaction type cannot create a contract',
  TX_AUTHORIZATION_LIST_EMPTY: 'set-code transaction has an empty authorization list',
  TX_CHAIN_ID_MISMATCH: 'transaction chain id differs from the block chain id',
  TX_INVALID: 'transaction is invalid',
} as const;

export type TxRejectionCode = keyof typeof TxRejections;
