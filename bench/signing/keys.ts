import { keccak_256 } from '@noble/hashes/sha3.js';
import { addr } from 'micro-eth-signer';
import type { Hex } from '../../src/model/shapes.js';

/**
 * Deterministic signing keys for the workloads' senders. A sender's key is
 * keccak256("evmgpu-bench-key" ++ tag ++ index), and its address is derived from it, so the
 * same batch exists both as unsigned transactions with `from` and as signed raw ones.
 * Deriving an address is a secp256k1 scalar multiplication (about 0.35 ms here), so every
 * derivation is cached and its total time is kept for the report: it is setup, never timed.
 */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const addresses = new Map<string, Hex>();
const keys = new Map<string, Uint8Array>();

export const derivation = { count: 0, ms: 0 };

export function senderKey(tag: number, i: number): Uint8Array {
  const key = keccak_256(Buffer.from(`evmgpu-bench-key:${tag}:${i}`));
  const k = BigInt(`0x${Buffer.from(key).toString('hex')}`);
  // Out of range with probability ~2^-128; failing loudly beats a silently different key scheme.
  if (k === 0n || k >= SECP256K1_N) throw new Error(`key for sender ${tag}/${i} is not a valid secp256k1 scalar`);
  return key;
}

/** The address of workload sender `i` of stream `tag`, and its key registered for signing. */
export function sender(tag: number, i: number): Hex {
  const id = `${tag}:${i}`;
  const known = addresses.get(id);
  if (known !== undefined) return known;
  const t = performance.now();
  const key = senderKey(tag, i);
  const address = addr.fromPrivateKey(key).toLowerCase() as Hex;
  derivation.ms += performance.now() - t;
  derivation.count++;
  addresses.set(id, address);
  keys.set(address, key);
  return address;
}

/** The key of an address made by `sender`; throws for any other address (nothing to sign with). */
export function keyOf(address: string): Uint8Array {
  const key = keys.get(address.toLowerCase());
  if (key === undefined) throw new Error(`no signing key for ${address}: not a workload sender`);
  return key;
}
