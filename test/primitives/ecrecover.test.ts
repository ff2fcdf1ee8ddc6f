import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ecrecover as nobleEcrecover } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { ecrecover, nativeEcrecover } from '../../src/primitives/ecrecover.js';

/**
 * The native recovery (src/primitives/ecrecover.ts) against @ethereumjs/util's ecrecover
 * (@noble/curves), ethereumjs' default: the same key, or a throw from both, on valid
 * signatures and on every way a precompile input or a transaction can be malformed.
 */
const N = secp256k1.Point.CURVE().n;
const P = secp256k1.Point.CURVE().p;

const word = (x: bigint): Uint8Array => Uint8Array.from(Buffer.from(x.toString(16).padStart(64, '0'), 'hex'));
const big = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);

type Outcome = { key: string } | { threw: true };
function outcome(f: () => Uint8Array): Outcome {
  try {
    return { key: Buffer.from(f()).toString('hex') };
  } catch {
    return { threw: true };
  }
}

function same(msg: Uint8Array, v: bigint, r: Uint8Array, s: Uint8Array, chainId?: bigint): Outcome {
  const ours = outcome(() => ecrecover(msg, v, r, s, chainId));
  expect(ours, `v ${v} r ${Buffer.from(r).toString('hex')} s ${Buffer.from(s).toString('hex')} chain ${chainId}`).toEqual(outcome(() => nobleEcrecover(msg, v, r, s, chainId)));
  return ours;
}

/** A deterministic stream of 32-byte values. */
function* words(seed: number): Generator<Uint8Array> {
  let x = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
  for (;;) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 256n) - 1n);
    yield word(x);
  }
}

describe('ecrecover', () => {
  it('runs on libsecp256k1 here (a fallback to noble would be silent otherwise)', () => {
    expect(nativeEcrecover).toBe(true);
  });

  it('recovers what noble recovers from valid signatures, in every v form and with high s', () => {
    const w = words(1);
    for (let i = 0; i < 40; i++) {
      const sk = w.next().value;
      const msg = w.next().value;
      const sig = secp256k1.sign(msg, sk, { prehash: false, format: 'recovered' });
      const rec = BigInt(sig[0]);
      const r = sig.slice(1, 33);
      const s = sig.slice(33, 65);
      const key = Buffer.from(secp256k1.getPublicKey(sk, false).subarray(1)).toString('hex');
      expect(same(msg, 27n + rec, r, s)).toEqual({ key });
      expect(same(msg, rec, r, s)).toEqual({ key });
      expect(same(msg, 35n + 2n * 5n + rec, r, s, 5n)).toEqual({ key });
      // High s with the other recovery id signs the same key; recovery accepts it (the precompile must).
      expect(same(msg, 28n - rec, r, word(N - big(s)))).toEqual({ key });
      // Unpadded r and s (a transaction's bigints) read as left-padded.
      same(msg, 27n + rec, r.subarray(r.findIndex((b) => b !== 0)), s);
    }
  });

  it('throws where noble throws: bad v, r or s of zero or past the order, r off the curve', () => {
    const w = words(2);
    const msg = w.next().value;
    const good = w.next().value;
    const bad: [bigint, bigint][] = [
      [0n, big(good)], [big(good), 0n], [N, big(good)], [big(good), N], [N + 1n, big(good)], [big(good), N + 5n],
      [P - 1n, big(good)], [(1n << 256n) - 1n, big(good)], [big(good), (1n << 256n) - 1n],
    ];
    for (const [r, s] of bad) for (const v of [27n, 28n]) expect(same(msg, v, word(r), word(s))).toEqual({ threw: true });
    for (const v of [2n, 26n, 29n, 30n, 37n]) expect(same(msg, v, good, good)).toEqual({ threw: true });
    // A v for chain 1 read against chain 5.
    expect(same(msg, 37n, good, good, 5n)).toEqual({ threw: true });
  });

  it('agrees on arbitrary inputs (about half of all r are no point\'s x)', () => {
    const w = words(3);
    let keys = 0;
    let throws = 0;
    for (let i = 0; i < 200; i++) {
      const o = same(i % 7 === 0 ? new Uint8Array(32) : w.next().value, 27n + BigInt(i & 1), w.next().value, w.next().value);
      if ('key' in o) keys++;
      else throws++;
    }
    // Both kinds occur, so both paths were compared.
    expect(keys).toBeGreaterThan(20);
    expect(throws).toBeGreaterThan(20);
  });
});
