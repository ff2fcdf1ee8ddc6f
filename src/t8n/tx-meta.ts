import { RLP } from '@ethereumjs/rlp';
import { bytesToBigint } from '../primitives/hex.js';

/**
 * The few fields of a signed transaction that a geth receipt shows but an engine
 * result does not carry: whether it creates (and with which nonce), and its fee caps
 * for the effective gas price. Read straight from the bytes the engine executed.
 */
export interface TxMeta {
  type: number;
  nonce: bigint;
  creates: boolean;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
}

export function txMeta(raw: Uint8Array): TxMeta | undefined {
  try {
    const legacy = raw.length > 0 && raw[0] >= 0xc0;
    const f = RLP.decode(legacy ? raw : raw.subarray(1)) as Uint8Array[];
    const q = (i: number) => bytesToBigint(f[i]);
    if (legacy) return { type: 0, nonce: q(0), gasPrice: q(1), creates: f[3].length === 0 };
    const type = raw[0];
    if (type === 1) return { type, nonce: q(1), gasPrice: q(2), creates: f[4].length === 0 };
    return { type, nonce: q(1), maxPriorityFeePerGas: q(2), maxFeePerGas: q(3), creates: f[5].length === 0 };
  } catch {
    return undefined;
  }
}

/** What the sender paid per gas: the gas price, or base fee plus the tip its fee cap allows. */
export function effectiveGasPrice(m: TxMeta, baseFee: bigint | undefined): bigint | undefined {
  if (m.gasPrice !== undefined) return m.gasPrice;
  if (m.maxFeePerGas === undefined || m.maxPriorityFeePerGas === undefined || baseFee === undefined) return undefined;
  const tip = m.maxFeePerGas - baseFee < m.maxPriorityFeePerGas ? m.maxFeePerGas - baseFee : m.maxPriorityFeePerGas;
  return baseFee + tip;
}
