import { sign } from 'micro-eth-signer/utils.js';
import { T8nError, ExitCode } from './errors.js';
import { signingHash } from '../chain/tx-encode.js';
import type { JsonTx } from './tx-json.js';

/**
 * Signs a `secretKey` transaction the way geth's t8n does, with the latest signer for
 * the chain id: legacy transactions get EIP-155 protection unless `protected: false`,
 * typed ones must name the tool's chain id (or none). Signatures are deterministic
 * (RFC 6979), so the same input always yields the same transaction hash.
 */
export function signTx(tx: JsonTx, key: Uint8Array, chainId: bigint, index: number): JsonTx {
  const fail = (why: string) => new T8nError(ExitCode.Json, `failed signing transactions: tx ${index}: ${why}`);
  let sigChainId: bigint | undefined;
  if (tx.type === 0) {
    sigChainId = tx.protected ? chainId : undefined;
  } else {
    if (tx.chainId !== undefined && tx.chainId !== chainId) throw fail(`invalid chain id for signer: have ${tx.chainId} want ${chainId}`);
    sigChainId = chainId;
  }
  let sig;
  try {
    sig = sign(signingHash(tx, sigChainId), key, false);
  } catch (e) {
    throw fail((e as Error).message);
  }
  const parity = BigInt(sig.recovery!);
  const v = tx.type !== 0 ? parity : sigChainId === undefined ? 27n + parity : 35n + 2n * sigChainId + parity;
  return { ...tx, chainId: tx.type === 0 ? undefined : sigChainId, v, r: sig.r, s: sig.s };
}
