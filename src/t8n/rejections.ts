import type { TxRejectionCode } from '../errors/registry.js';
import type { RejectedTxShape } from '../model/shapes.js';

/**
 * Rejection messages in geth's words (core/error.go and the t8n tool's own). Tools
 * that drive t8n recognise an expected exception by these phrases, so each message
 * starts with geth's phrase; the engine's detail follows it.
 */
const GETH_PHRASES: Record<TxRejectionCode, string> = {
  TX_DECODE: 'rlp: invalid transaction encoding',
  TX_INVALID_SIGNATURE: 'invalid transaction v, r, s values',
  TX_TYPE_NOT_ACTIVE: 'transaction type not supported',
  TX_NONCE_TOO_LOW: 'nonce too low',
  TX_NONCE_TOO_HIGH: 'nonce too high',
  TX_NONCE_MAX: 'nonce has max value',
  TX_INSUFFICIENT_FUNDS: 'insufficient funds for gas * price + value',
  TX_INTRINSIC_GAS: 'intrinsic gas too low',
  TX_FEE_CAP_BELOW_BASE_FEE: 'max fee per gas less than block base fee',
  TX_PRIORITY_FEE_ABOVE_FEE_CAP: 'max priority fee per gas higher than max fee per gas',
  TX_BLOB_FEE_CAP_BELOW_BLOB_BASE_FEE: 'max fee per blob gas less than block blob gas fee',
  TX_BLOB_INVALID: 'invalid blob transaction',
  TX_BLOB_GAS_EXCEEDS_BLOCK: 'blob gas would exceed maximum allowance',
  TX_GAS_LIMIT_EXCEEDS_BLOCK: 'gas limit reached',
  TX_GAS_LIMIT_CAP: 'transaction gas limit too high',
  TX_SENDER_NOT_EOA: 'sender not an eoa',
  TX_INITCODE_TOO_LARGE: 'max initcode size exceeded',
  TX_CREATE_NOT_ALLOWED: 'transaction of type create not allowed',
  TX_AUTHORIZATION_LIST_EMPTY: 'EIP-7702 transaction with empty auth list',
  TX_CHAIN_ID_MISMATCH: 'invalid chain id for signer',
  TX_INVALID: 'invalid transaction',
};

function phrase(r: RejectedTxShape, txType: number | undefined): string {
  const code = r.code as TxRejectionCode;
  // geth has distinct errors where our registry has one code. (Not for TX_INTRINSIC_GAS: the
  // engine's message does not say whether the EIP-7623 floor or the intrinsic gas was missed.)
  if (code === 'TX_CREATE_NOT_ALLOWED' && txType === 3) return 'blob transaction of type create';
  if (code === 'TX_CREATE_NOT_ALLOWED' && txType === 4) return 'EIP-7702 transaction cannot be used to create contract';
  if (code === 'TX_BLOB_INVALID' && /version/i.test(r.error)) return 'blob with invalid hash version';
  if (code === 'TX_BLOB_INVALID' && /at least one|no blob|missing/i.test(r.error)) return 'blob transaction missing blob hashes';
  return GETH_PHRASES[code] ?? r.code;
}

/** ethereumjs appends a dump of the VM, block and tx context to its messages; the index already says which tx. */
const stripContext = (s: string) => s.replace(/\s*\(vm hf=.*\)\s*$/s, '');

export function gethRejection(r: RejectedTxShape, txType: number | undefined): string {
  return `${phrase(r, txType)}: ${stripContext(r.error)}`;
}
