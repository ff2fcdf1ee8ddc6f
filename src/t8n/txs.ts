import { RLP } from '@ethereumjs/rlp';
import { ExitCode, T8nError } from './errors.js';
import { asArray } from './json-values.js';
import { encodeSigned } from '../chain/tx-encode.js';
import { isUnsigned, parseJsonTx } from './tx-json.js';
import { signTx } from './tx-sign.js';
import { hexToBytes } from '../primitives/hex.js';

/**
 * t8n's transaction input -> the signed bytes of each transaction. Input is either a
 * JSON array of geth-form transactions (signed, or unsigned with `secretKey`) or the
 * hex of an RLP list of signed transactions (`--input.txs x.rlp`, the `txsRlp` key on
 * stdin, or any JSON string), the same form `--output.body` writes.
 */
export function txsToRaw(input: unknown, chainId: bigint): Uint8Array[] {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return decodeTxList(input);
  return asArray(input, 'txs').map((json, i) => {
    const tx = parseJsonTx(json, i);
    if (tx.secretKey && isUnsigned(tx)) return encodeSigned(signTx(tx, tx.secretKey, chainId, i));
    return encodeSigned(tx.type !== 0 && tx.chainId === undefined ? { ...tx, chainId } : tx);
  });
}

/**
 * Typed transactions are byte strings in the list, legacy ones nested lists. An item
 * that is not a valid transaction still goes to the engine, which rejects it; only a
 * body that is not an RLP list at all is fatal.
 */
export function decodeTxList(hex: string): Uint8Array[] {
  const h = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (!/^([0-9a-fA-F]{2})*$/.test(h)) throw new T8nError(ExitCode.Rlp, 'transaction list is not hex');
  let items: unknown;
  try {
    items = RLP.decode(hexToBytes(`0x${h}`));
  } catch (e) {
    throw new T8nError(ExitCode.Rlp, `rlp: ${(e as Error).message}`);
  }
  if (!Array.isArray(items)) throw new T8nError(ExitCode.Rlp, 'rlp: expected input list for types.Transactions');
  return items.map((item) => (item instanceof Uint8Array ? item : RLP.encode(item as Uint8Array[])));
}
