import { TxRejections, type TxRejectionCode } from '../errors/registry.js';

/**
 * ethereumjs reports invalid transactions as plain Error messages. This table maps
 * them onto our registered rejection codes; the original message is kept as detail.
 * Order matters: the first matching pattern wins.
 */
const PATTERNS: [RegExp, TxRejectionCode][] = [
  [/nonce of: (\d+) tx has nonce of: (\d+)/, 'TX_NONCE_TOO_LOW'], // refined below
  [/nonce.*(exceed|max|2\^64)/i, 'TX_NONCE_MAX'],
  [/INTRINSIC_GAS_TOO_LOW|intrinsic gas|floor data gas|base fee exceeds gas limit|gasLimit is too low|too low/i, 'TX_INTRINSIC_GAS'],
  [/EIP-7825|exceeds the .*cap/i, 'TX_GAS_LIMIT_CAP'],
  [/maxFeePerBlobGas.*less than block blobGasPrice/i, 'TX_BLOB_FEE_CAP_BELOW_BLOB_BASE_FEE'],
  [/(maxFeePerGas|gasPrice).*less than the block's baseFeePerGas/i, 'TX_FEE_CAP_BELOW_BASE_FEE'],
  [/maxFeePerGas cannot be less than maxPriorityFeePerGas/i, 'TX_PRIORITY_FEE_ABOVE_FEE_CAP'],
  [/doesn't have enough funds|insufficient funds|max cost/i, 'TX_INSUFFICIENT_FUNDS'],
  [/higher gas limit than the block|block gas limit/i, 'TX_GAS_LIMIT_EXCEEDS_BLOCK'],
  [/not EOA|EIP-3607/i, 'TX_SENDER_NOT_EOA'],
  [/initcode|init code|max initcode size/i, 'TX_INITCODE_TOO_LARGE'],
  [/authorization list.*empty|empty authorization/i, 'TX_AUTHORIZATION_LIST_EMPTY'],
  [/should have a to|cannot be.*(create|contract creation)|to field|"to" cannot/i, 'TX_CREATE_NOT_ALLOWED'],
  [/chain ?id/i, 'TX_CHAIN_ID_MISMATCH'],
  [/EIP[- ]?(2930|1559|4844|7702|2718).*(not (activated|enabled|active)|activated)|not (activated|enabled) on Common|only valid with EIP4844/i, 'TX_TYPE_NOT_ACTIVE'],
  [/blob|versioned hash/i, 'TX_BLOB_INVALID'],
  [/signature|public key|recover|invalid (v|r|s)\b|s-value|sender/i, 'TX_INVALID_SIGNATURE'],
  [/rlp|decode|serialized|invalid (tx|transaction) type|unknown transaction type|bytes/i, 'TX_DECODE'],
];

export interface Rejection {
  code: TxRejectionCode;
  error: string;
}

export function rejection(code: TxRejectionCode, detail?: string): Rejection {
  return { code, error: detail ? `${TxRejections[code]}: ${detail}` : TxRejections[code] };
}

/**
 * Strips ethereumjs's context suffix ("(vm hf=... -> block ... -> tx type=2 ... nonce=0
 * maxFeePerGas=...)", "(tx type=...)", "(block=...)"), keeping the reason. It must go
 * before classification: its field names ("nonce=0 ... maxFeePerGas") would match
 * the patterns of other rejections.
 */
function reason(message: string): string {
  return message
    .replace(/\s*\((vm hf=|tx type=|block[ =])[\s\S]*\)\s*$/, '')
    .replace(/\s*-\s*(block|tx) (number|type)=[\s\S]*$/, '')
    .trim();
}

export function classifyRejection(err: unknown, fallback: TxRejectionCode = 'TX_INVALID'): Rejection {
  const message = reason(err instanceof Error ? err.message : String(err));
  for (const [re, code] of PATTERNS) {
    const m = re.exec(message);
    if (!m) continue;
    if (code === 'TX_NONCE_TOO_LOW' && m[1] !== undefined && m[2] !== undefined) {
      return rejection(BigInt(m[2]) > BigInt(m[1]) ? 'TX_NONCE_TOO_HIGH' : 'TX_NONCE_TOO_LOW', message);
    }
    return rejection(code, message);
  }
  return rejection(fallback, message);
}
