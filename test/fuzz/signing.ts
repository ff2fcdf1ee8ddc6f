import { createTx, type TypedTxData } from '@ethereumjs/tx';
import { bytesToHex, eoaCode7702SignAuthorization, privateToAddress } from '@ethereumjs/util';
import { makeCommon } from '../../src/chain/common.js';
import type { Fork } from '../../src/model/fork.js';
import type { AuthorizationShape, Hex } from '../../src/model/shapes.js';

/**
 * Signed inputs: raw EIP-2718 transactions (the sender is recovered, the result carries
 * the hash) and EIP-7702 authorization tuples. Keys are deterministic so a case replays.
 */
export interface Key {
  priv: Uint8Array;
  address: Hex;
}

const keys = new Map<number, Key>();
export function fuzzKey(n: number): Key {
  let k = keys.get(n);
  if (!k) {
    const priv = Uint8Array.from(Buffer.from((0xf022_0000 + n).toString(16).padStart(64, '0'), 'hex'));
    k = { priv, address: bytesToHex(privateToAddress(priv)) as Hex };
    keys.set(n, k);
  }
  return k;
}

const hexQ = (v: bigint): Hex => `0x${v.toString(16)}`;

export function signRaw(fork: Fork, chainId: bigint, data: TypedTxData, key: Key): Hex {
  return bytesToHex(createTx(data, { common: makeCommon(fork, chainId) }).sign(key.priv).serialize()) as Hex;
}

export function signAuthorization(chainId: bigint, address: Hex, nonce: bigint, key: Key): AuthorizationShape<Hex, Hex> {
  const [c, a, n, y, r, s] = eoaCode7702SignAuthorization({ chainId: hexQ(chainId), address, nonce: hexQ(nonce) }, key.priv);
  const q = (b: Uint8Array): Hex => (b.length === 0 ? '0x0' : hexQ(BigInt(bytesToHex(b))));
  return { chainId: q(c), address: bytesToHex(a) as Hex, nonce: q(n), yParity: q(y), r: q(r), s: q(s) };
}
