import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/commands/t8n.js';
import { collectJsonFiles } from '../src/conformance/files.js';
import { parseAlloc } from '../src/t8n/alloc.js';
import { ExitCode } from '../src/t8n/errors.js';
import { allocStateRoot } from '../src/t8n/state-root.js';
import { bytesToHex, hexToBytes } from '../src/wire/hex.js';
import { loadT8nCases, type T8nCase } from './t8n/state-cases.js';

const FIXTURES = join(import.meta.dirname, '../../shared/fixtures/state-tests');
type J = Record<string, any>;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  dir: string;
  result: J;
  alloc: J;
  body?: string;
}

/** Writes the inputs to a fresh directory and runs `evmgpu t8n` there, output captured. */
async function t8n(inputs: { alloc?: unknown; env?: unknown; txs?: unknown; txsFile?: string }, flags: string[] = [], stdin = ''): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 't8n-'));
  const txsFile = inputs.txsFile ?? 'txs.json';
  if (inputs.alloc !== undefined) writeFileSync(join(dir, 'alloc.json'), JSON.stringify(inputs.alloc));
  if (inputs.env !== undefined) writeFileSync(join(dir, 'env.json'), JSON.stringify(inputs.env));
  if (inputs.txs !== undefined) writeFileSync(join(dir, txsFile), JSON.stringify(inputs.txs));
  let stdout = '';
  let stderr = '';
  const code = await run(
    [
      '--input.alloc', join(dir, 'alloc.json'), '--input.env', join(dir, 'env.json'), '--input.txs', join(dir, txsFile),
      '--output.basedir', dir, '--output.body', 'body.rlp', ...flags,
    ],
    { readStdin: () => stdin, stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) },
  );
  const read = (f: string) => {
    try {
      return JSON.parse(readFileSync(join(dir, f), 'utf8'));
    } catch {
      return undefined;
    }
  };
  return { code, stdout, stderr, dir, result: read('result.json'), alloc: read('alloc.json'), body: read('body.rlp') };
}

/** Every spelling of a quantity or word as a bigint string, so fixture and geth hex compare. */
function normalizeAlloc(alloc: J): J {
  const n = (v: string | undefined) => (v === undefined || v === '0x' ? '0' : BigInt(v).toString());
  const out: J = {};
  for (const [addr, a] of Object.entries<J>(alloc)) {
    const storage = Object.fromEntries(Object.entries<string>(a.storage ?? {}).filter(([, v]) => BigInt(v) !== 0n).map(([k, v]) => [n(k), n(v)]));
    out[addr.toLowerCase()] = { balance: n(a.balance), nonce: n(a.nonce), code: (a.code ?? '0x').toLowerCase(), storage };
  }
  return out;
}

// A spread of cases from every fixture set: every 7th Cancun file, every other Prague file,
// plus all logs and create tests (logs hash, contract addresses) and the EIP-7702 ones.
function sample(): T8nCase[] {
  const pick = (dir: string, fork: string, every: number, always: RegExp) =>
    collectJsonFiles([join(FIXTURES, dir)])
      .filter((f, i) => i % every === 0 || always.test(f))
      .flatMap((f) => loadT8nCases(f, fork, f.slice(FIXTURES.length + 1)).slice(0, 1));
  return [
    ...pick('cancun', 'Cancun', 7, /stLogTests\/log[0-4]_|stCreateTest\/CREATE_(Bounds|ContractRETURN)|stCreate2\/create2call/),
    ...pick('prague', 'Prague', 2, /eip7702/),
  ];
}

const cases = sample();

describe('t8n reproduces state-test post-states', () => {
  it('samples enough cases from both fixture sets', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(cases.filter((c) => c.fork === 'Prague').length).toBeGreaterThanOrEqual(10);
    expect(cases.some((c) => c.expect.logs !== '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347')).toBe(true);
    expect(cases.some((c) => c.signedTx.to === null)).toBe(true);
  });

  cases.forEach((c, i) => {
    // Alternate the two transaction forms so that both are exercised across the sample.
    const keyed = i % 2 === 1;
    it(`${c.id} (${keyed ? 'secretKey' : 'signed'} tx)`, async () => {
      const r = await t8n({ alloc: c.alloc, env: c.env, txs: [keyed ? c.keyedTx : c.signedTx] }, ['--state.fork', c.fork, '--state.reward', '-1']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.result.stateRoot).toBe(c.expect.hash);
      expect(r.result.logsHash).toBe(c.expect.logs);
      expect(r.result.rejected).toBeUndefined();
      // Signing is deterministic, so t8n's own signature reproduces the fixture's bytes.
      expect(r.body).toBe(bytesToHex(encodeList([c.txbytes])));
      expect(r.result.receipts[0].transactionHash).toBe(bytesToHex(keccak_256(hexToBytes(c.txbytes))));
      if (c.expect.state) expect(normalizeAlloc(r.alloc)).toEqual(normalizeAlloc(c.expect.state));
      // The alloc written out hashes to the reported root.
      expect(bytesToHex(await allocStateRoot(parseAlloc(r.alloc)))).toBe(c.expect.hash);
    });
  });
});

/** rlp list of already-encoded items (each tx's bytes as a string item, legacy ones as lists). */
function encodeList(txs: string[]): Uint8Array {
  const items = txs.map((t) => {
    const b = hexToBytes(t);
    return b[0] >= 0xc0 ? b : rlpString(b);
  });
  const body = Buffer.concat(items);
  return Uint8Array.from(Buffer.concat([rlpHeader(0xc0, body.length), body]));
}
function rlpString(b: Uint8Array): Uint8Array {
  return Uint8Array.from(Buffer.concat([rlpHeader(0x80, b.length), b]));
}
function rlpHeader(base: number, len: number): Uint8Array {
  if (len < 56) return Uint8Array.of(base + len);
  const l = Buffer.from(len.toString(16).padStart(len.toString(16).length + (len.toString(16).length % 2), '0'), 'hex');
  return Uint8Array.from([base + 55 + l.length, ...l]);
}
