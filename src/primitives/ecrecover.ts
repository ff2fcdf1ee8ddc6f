import { ecrecover as nobleEcrecover, calculateSigRecovery, setLengthLeft } from '@ethereumjs/util';
import { createRequire } from 'node:module';

/**
 * secp256k1 public-key recovery for ethereumjs (`customCrypto.ecrecover`: transaction
 * senders and the ecrecover precompile), through libsecp256k1's native binding (the
 * `secp256k1` package's prebuilt N-API addon, which worker threads load too). On the
 * 2-core machines here it takes about 70 µs a call against 2.5 ms for @noble/curves,
 * ethereumjs' default: a mainnet block recovers a sender for every transaction, and some
 * transactions call the precompile hundreds of times.
 *
 * Same answers as @ethereumjs/util's `ecrecover` (test/primitives/ecrecover.test.ts
 * compares them on valid and malformed signatures): the recovery id from `v` (and the
 * chain id), r and s left-padded to 32 bytes, a throw for a v that gives no id 0 or 1,
 * for r or s of zero or at least the group order, for an r that is no point's x, and for
 * a key at infinity; high s is accepted, as the precompile must (transactions check it
 * apart). Where the addon cannot load, ethereumjs' own function serves instead.
 */
interface NativeSecp256k1 {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
}

function loadNative(): NativeSecp256k1 | undefined {
  try {
    // The binding itself: the package's main module would fall back to elliptic (pure JS, slower than noble) without saying so.
    return createRequire(import.meta.url)('secp256k1/bindings') as NativeSecp256k1;
  } catch {
    return undefined;
  }
}

const native = loadNative();

/** Whether recovery runs on libsecp256k1 (false: @noble/curves through ethereumjs). */
export const nativeEcrecover = native !== undefined;

/** The 64-byte public key (no 0x04 prefix) that signed `msgHash`, as ethereumjs' `ecrecover`. */
export const ecrecover: (msgHash: Uint8Array, v: bigint, r: Uint8Array, s: Uint8Array, chainId?: bigint) => Uint8Array = native
  ? (msgHash, v, r, s, chainId) => {
      const recovery = calculateSigRecovery(v, chainId);
      if (recovery !== 0n && recovery !== 1n) throw new Error('Invalid signature v value');
      const sig = new Uint8Array(64);
      sig.set(setLengthLeft(r, 32), 0);
      sig.set(setLengthLeft(s, 32), 32);
      // The binding throws on an invalid signature or a hash that is not 32 bytes, as noble does.
      return native.ecdsaRecover(sig, Number(recovery), msgHash, false).subarray(1);
    }
  : nobleEcrecover;
