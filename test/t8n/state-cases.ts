import { readFileSync } from 'node:fs';
import { RLP } from '@ethereumjs/rlp';
import { bytesToHex, hexToBytes } from '../../src/primitives/hex.js';

/**
 * State-test fixtures as t8n inputs, the way a transition-tool driver (retesteth,
 * execution-spec-tests) feeds them: the fixture's pre as alloc, its env made
 * acceptable to geth's t8n checks, and the case's transaction either as the signed
 * JSON decoded from `txbytes` or as the structured fields plus `secretKey`.
 */
type J = Record<string, any>;

export interface T8nCase {
  id: string;
  fork: string;
  alloc: J;
  env: J;
  /** Signed geth-JSON form of txbytes. */
  signedTx: J;
  /** Unsigned geth-JSON form with secretKey. */
  keyedTx: J;
  txbytes: string;
  expect: { hash: string; logs: string; state?: J };
}

const MERGED = new Set(['Paris', 'Merge', 'Shanghai', 'Cancun', 'Prague']);

export function t8nEnv(env: J, fork: string): J {
  const out: J = { ...env };
  // geth's t8n refuses a post-merge env with a difficulty, and needs withdrawals from Shanghai.
  if (MERGED.has(fork)) delete out.currentDifficulty;
  if (fork === 'Shanghai' || fork === 'Cancun' || fork === 'Prague') out.withdrawals = [];
  return out;
}

const q = (b: Uint8Array) => `0x${b.length ? BigInt(bytesToHex(b)).toString(16) : '0'}`;
const addr = (b: Uint8Array) => (b.length ? bytesToHex(b) : null);
const accessList = (l: [Uint8Array, Uint8Array[]][]) => l.map(([a, keys]) => ({ address: bytesToHex(a), storageKeys: keys.map(bytesToHex) }));

/** Signed transaction bytes -> geth's JSON transaction (v, r, s included). */
export function decodeTxJson(txbytes: string): J {
  const raw = hexToBytes(txbytes);
  if (raw[0] >= 0xc0) {
    const [nonce, gasPrice, gas, to, value, input, v, r, s] = RLP.decode(raw) as Uint8Array[];
    return { type: '0x0', nonce: q(nonce), gasPrice: q(gasPrice), gas: q(gas), to: addr(to), value: q(value), input: bytesToHex(input), v: q(v), r: q(r), s: q(s) };
  }
  const type = raw[0];
  const f = RLP.decode(raw.subarray(1)) as any[];
  const sig = (i: number) => ({ v: q(f[i]), r: q(f[i + 1]), s: q(f[i + 2]) });
  if (type === 1) {
    const [chainId, nonce, gasPrice, gas, to, value, input, al] = f;
    return { type: '0x1', chainId: q(chainId), nonce: q(nonce), gasPrice: q(gasPrice), gas: q(gas), to: addr(to), value: q(value), input: bytesToHex(input), accessList: accessList(al), ...sig(8) };
  }
  const [chainId, nonce, tip, feeCap, gas, to, value, input, al] = f;
  const base = {
    type: `0x${type}`, chainId: q(chainId), nonce: q(nonce), maxPriorityFeePerGas: q(tip), maxFeePerGas: q(feeCap),
    gas: q(gas), to: addr(to), value: q(value), input: bytesToHex(input), accessList: accessList(al),
  };
  if (type === 2) return { ...base, ...sig(9) };
  if (type === 3) return { ...base, maxFeePerBlobGas: q(f[9]), blobVersionedHashes: (f[10] as Uint8Array[]).map(bytesToHex), ...sig(11) };
  const auths = (f[9] as Uint8Array[][]).map(([c, a, n, y, r, s]) => ({ chainId: q(c), address: bytesToHex(a), nonce: q(n), yParity: q(y), r: q(r), s: q(s) }));
  return { ...base, authorizationList: auths, ...sig(10) };
}

/** The case's transaction from the fixture's structured fields, to be signed by t8n. */
export function keyedTxJson(t: J, idx: { data: number; gas: number; value: number }): J {
  const accessList = t.accessLists?.[idx.data] ?? undefined;
  const type = t.authorizationList ? 4 : t.blobVersionedHashes ? 3 : t.maxFeePerGas !== undefined ? 2 : accessList ? 1 : 0;
  return {
    type: `0x${type}`,
    ...(type > 0 ? { chainId: '0x1' } : {}),
    nonce: t.nonce,
    gas: t.gasLimit[idx.gas],
    ...(type >= 2 ? { maxFeePerGas: t.maxFeePerGas, maxPriorityFeePerGas: t.maxPriorityFeePerGas } : { gasPrice: t.gasPrice }),
    to: t.to === '' ? null : t.to,
    value: t.value[idx.value],
    input: t.data[idx.data],
    ...(accessList ? { accessList } : {}),
    ...(type === 3 ? { maxFeePerBlobGas: t.maxFeePerBlobGas, blobVersionedHashes: t.blobVersionedHashes } : {}),
    ...(type === 4 ? { authorizationList: t.authorizationList } : {}),
    v: '0x0', r: '0x0', s: '0x0',
    secretKey: t.secretKey,
  };
}

export function loadT8nCases(file: string, fork: string, label: string): T8nCase[] {
  const fixtures = JSON.parse(readFileSync(file, 'utf8')) as J;
  const out: T8nCase[] = [];
  for (const [name, f] of Object.entries(fixtures)) {
    (f.post[fork] ?? []).forEach((p: J, i: number) => {
      const signedTx = decodeTxJson(p.txbytes);
      const keyedTx = keyedTxJson(f.transaction, p.indexes);
      // Fixture legacy transactions are mostly pre-EIP-155; geth signs protected unless told otherwise.
      if (signedTx.type === '0x0' && BigInt(signedTx.v) < 35n) keyedTx.protected = false;
      out.push({
        id: `${label} ${name}[${i}]`,
        fork,
        alloc: f.pre,
        env: t8nEnv(f.env, fork),
        signedTx,
        keyedTx,
        txbytes: p.txbytes.toLowerCase(),
        expect: { hash: p.hash.toLowerCase(), logs: p.logs.toLowerCase(), state: p.state },
      });
    });
  }
  return out;
}
