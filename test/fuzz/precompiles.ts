import { sha256 } from '@noble/hashes/sha2.js';
import { createTx } from '@ethereumjs/tx';
import { hex32 } from '../../bench/workloads/common.js';
import { makeCommon } from '../../src/chain/common.js';
import { forkAtLeast, type Fork } from '../../src/model/fork.js';
import type { Hex } from '../../src/model/shapes.js';
import type { xorshift32 } from '../support/xorshift.js';
import { fuzzKey } from './signing.js';

/**
 * Inputs for the precompiles, valid and invalid: ecrecover (a real signature, or a
 * broken one), sha256, ripemd160, identity, modexp (edge sizes, lengths that overflow
 * the gas formula), bn254 add/mul/pairing (on and off the curve), blake2f (well formed
 * and malformed), point evaluation (a valid proof for the zero polynomial, and broken
 * ones) and the BLS12-381 precompiles (valid infinity/generator inputs, and bad lengths,
 * padding, field elements and points). The reference decides which are valid; these
 * only make sure both kinds are asked.
 */
type Rng = ReturnType<typeof xorshift32>;

export const PRECOMPILE_NAMES = [
  '', 'ecrecover', 'sha256', 'ripemd160', 'identity', 'modexp', 'bn254add', 'bn254mul', 'bn254pairing', 'blake2f', 'pointevaluation',
  'bls12g1add', 'bls12g1msm', 'bls12g2add', 'bls12g2msm', 'bls12pairing', 'bls12mapfp', 'bls12mapfp2',
];

export function activePrecompiles(fork: Fork): number {
  return fork === 'Prague' ? 0x11 : forkAtLeast(fork, 'Cancun') ? 0x0a : 0x09;
}

const w = (v: bigint) => hex32(BigInt.asUintN(256, v));
const rand = (r: Rng, n: number) => Buffer.from(r.bytes(n)).toString('hex');

// bn254 (alt_bn128): G1 = (1, 2); G2 in EIP-197 order (x imaginary, x real, y imaginary, y real).
const BN_P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const BN_G2 = [
  11559732032986387107991004021392285783925812861821192530917403151452391805634n, 10857046999023057135944570762232829481370756359578518086990519993285655852781n,
  4082367875863433681332203403145435568316851327593401208105741076214120093531n, 8495653923123431417604973247489272438418190587263600148770280649306958101930n,
].map(w).join('');
const BN_G1 = w(1n) + w(2n);
const BN_NEG_G1 = w(1n) + w(BN_P - 2n);

// BLS12-381: field elements in 64 bytes (16 zero bytes of padding), G2 coordinates as c0 then c1.
const BLS_P = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaabn;
const fp = (v: bigint) => v.toString(16).padStart(128, '0');
const BLS_G1X = 0x17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bbn;
const BLS_G1Y = 0x08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1n;
const BLS_G1 = fp(BLS_G1X) + fp(BLS_G1Y);
const BLS_NEG_G1 = fp(BLS_G1X) + fp(BLS_P - BLS_G1Y);
const BLS_G2 = [
  0x024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8n,
  0x13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7en,
  0x0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801n,
  0x0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79ben,
].map(fp).join('');
const BLS_INF1 = '00'.repeat(128);
const BLS_INF2 = '00'.repeat(256);

// EIP-4844: the zero polynomial's commitment and proof are the point at infinity, and it is 0 everywhere.
const KZG_INF = `c0${'00'.repeat(47)}`;
const KZG_HASH = `01${Buffer.from(sha256(Buffer.from(KZG_INF, 'hex'))).toString('hex').slice(2)}`;
const BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;

let common: ReturnType<typeof makeCommon> | undefined;
/** A real (hash, v, r, s) from signing a transaction with a fuzz key; v is 27 or 28. */
function signature(r: Rng): [bigint, bigint, bigint, bigint] {
  common ??= makeCommon('Prague', 1n);
  const tx = createTx({ type: 2, chainId: 1n, nonce: BigInt(r.below(1 << 20)), maxFeePerGas: 1n, gasLimit: 21_000n, value: BigInt(r.below(1 << 20)) }, { common })
    .sign(fuzzKey(20 + r.below(4)).priv);
  return [BigInt(`0x${Buffer.from(tx.getHashedMessageToSign()).toString('hex')}`), 27n + tx.v!, tx.r!, tx.s!];
}

/** One input for precompile `a`: valid with probability about 60%. */
export function precompileInput(r: Rng, a: number, valid = r.below(100) < 60): string {
  const pick = <T>(...xs: T[]) => xs[r.below(xs.length)];
  switch (a) {
    case 1: {
      const [h, v, rr, s] = signature(r);
      if (valid) return w(h) + w(v) + w(rr) + w(s);
      return pick(
        w(h) + w(v + 2n) + w(rr) + w(s), // v not 27/28
        w(h) + w(v) + w(0n) + w(s), // r = 0
        w(h) + w(v) + w(rr) + w(s + (1n << 255n)), // s out of range
        w(h ^ 1n) + w(v) + w(rr) + w(s), // another hash: recovers another address
        w(h) + w(v), // short: the rest reads as zero
        rand(r, 128),
      );
    }
    case 2: case 3: case 4: return rand(r, r.below(4) === 0 ? 0 : r.below(300));
    case 5: {
      const size = () => BigInt(pick(0, 1, 1, 2, 31, 32, 32, 33, 64, 65 + r.below(100)));
      const [b, e, m] = [size(), valid ? BigInt(r.below(40)) : pick(33n, 1n << 32n, (1n << 64n) + 1n, (1n << 256n) - 1n), size()];
      const body = rand(r, Number(b)) + rand(r, Number(e > 64n ? 64n : e)) + (r.below(5) === 0 ? '00'.repeat(Number(m)) : rand(r, Number(m)));
      return w(b) + w(e) + w(m) + (r.below(8) === 0 ? body.slice(0, r.below(body.length / 2 + 1) * 2) : body);
    }
    case 6: return valid ? pick(BN_G1 + BN_G1, BN_G1 + BN_NEG_G1, w(0n).repeat(2) + BN_G1, '') : pick(w(1n) + w(3n) + BN_G1, w(BN_P) + w(0n) + BN_G1, rand(r, 128));
    case 7: return valid ? pick(BN_G1, w(0n).repeat(2)) + pick(w(0n), w(2n), w(BigInt(`0x${rand(r, 32)}`))) : pick(w(1n) + w(3n) + w(2n), w(BN_P + 1n) + w(2n) + w(7n));
    case 8: return valid ? pick('', BN_G1 + BN_G2, BN_G1 + BN_G2 + BN_NEG_G1 + BN_G2, w(0n).repeat(2) + BN_G2)
      : pick(BN_G1 + BN_G2.slice(0, 100), BN_G1 + w(1n).repeat(4), w(1n) + w(3n) + BN_G2);
    case 9: {
      const rounds = pick(0, 1, 12, r.below(64), r.below(2000));
      const body = rounds.toString(16).padStart(8, '0') + rand(r, 64 + 128 + 16);
      return valid ? body + pick('00', '01') : pick(body + '02', body, body + '0100', `ffffffff${body.slice(8)}01`);
    }
    case 10: {
      const z = BigInt(`0x${rand(r, 31)}`);
      const good = KZG_HASH + w(z) + w(0n) + KZG_INF + KZG_INF;
      return valid ? good : pick(good.slice(0, 380), `02${good.slice(2)}`, KZG_HASH + w(z) + w(1n) + KZG_INF + KZG_INF, KZG_HASH + w(BLS_MODULUS) + w(0n) + KZG_INF + KZG_INF, rand(r, 192));
    }
    default: return bls(r, a, valid, pick);
  }
}

function bls(r: Rng, a: number, valid: boolean, pick: <T>(...xs: T[]) => T): string {
  const scalar = () => w(BigInt(`0x${rand(r, 32)}`));
  const g1 = () => pick(BLS_G1, BLS_INF1, BLS_NEG_G1);
  const bad1 = () => pick(fp(1n) + fp(1n), fp(BLS_P) + fp(0n), `01${BLS_G1.slice(2)}`);
  const bad2 = () => pick(fp(1n).repeat(4), fp(BLS_P) + BLS_G2.slice(128));
  switch (a) {
    case 0x0b: return valid ? g1() + g1() : pick(g1() + bad1(), g1(), '');
    case 0x0c: return valid ? Array.from({ length: 1 + r.below(3) }, () => g1() + scalar()).join('') : pick('', g1() + scalar() + '00', bad1() + scalar());
    case 0x0d: return valid ? pick(BLS_G2, BLS_INF2) + pick(BLS_G2, BLS_INF2) : pick(BLS_G2 + bad2(), BLS_G2, BLS_INF2 + '00');
    case 0x0e: return valid ? Array.from({ length: 1 + r.below(2) }, () => pick(BLS_G2, BLS_INF2) + scalar()).join('') : pick('', BLS_G2 + scalar().slice(2), bad2() + scalar());
    case 0x0f: return valid ? pick(BLS_G1 + BLS_G2, BLS_INF1 + BLS_G2, BLS_G1 + BLS_G2 + BLS_NEG_G1 + BLS_G2) : pick('', BLS_G1 + bad2(), bad1() + BLS_G2, BLS_G1 + BLS_G2.slice(2));
    case 0x10: return valid ? fp(BigInt(`0x${rand(r, 47)}`)) : pick(fp(BLS_P), fp(0n).slice(2), `ff${fp(1n).slice(2)}`);
    case 0x11: return valid ? fp(BigInt(`0x${rand(r, 47)}`)) + fp(BigInt(`0x${rand(r, 47)}`)) : pick(fp(BLS_P) + fp(0n), fp(1n));
    default: return rand(r, r.below(64));
  }
}

/** Gas enough for most inputs (expensive modexp and pairings aside); sometimes far too little. */
export function precompileGas(r: Rng): bigint {
  return r.below(100) < 12 ? BigInt(r.below(3000)) : 250_000n;
}

export const precompileAddress = (a: number): Hex => `0x${a.toString(16).padStart(40, '0')}`;
