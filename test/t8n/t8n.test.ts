import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../support/fixtures.js';
import { run } from '../../src/cli/commands/t8n.js';
import { collectJsonFiles } from '../../src/conformance/files.js';
import { parseAlloc } from '../../src/t8n/alloc.js';
import { ExitCode } from '../../src/t8n/errors.js';
import { allocStateRoot } from '../../src/t8n/state-root.js';
import { bytesToHex, hexToBytes } from '../../src/primitives/hex.js';
import { loadT8nCases, type T8nCase } from './state-cases.js';

const FIXTURES = fixturePath('state-tests');
type J = Record<string, any>;
const EMPTY_LOGS = '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347';

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
    expect(cases.some((c) => c.expect.logs !== EMPTY_LOGS)).toBe(true);
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
      const receipt = r.result.receipts[0];
      expect(receipt.transactionHash).toBe(bytesToHex(keccak_256(hexToBytes(c.txbytes))));
      expect(receipt.logs.length > 0).toBe(c.expect.logs !== EMPTY_LOGS);
      receipt.logs.forEach((l: J, k: number) => expect(l).toMatchObject({ transactionHash: receipt.transactionHash, logIndex: `0x${k.toString(16)}`, removed: false }));
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

// geth's own example (cmd/evm/testdata/1, shown in cmd/evm/README.md): the same
// transaction twice, the second rejected; roots and alloc as geth prints them. (The
// README shows an older receipt format; receipts follow current geth's MakeReceipt.)
const EXAMPLE = {
  alloc: {
    a94f5374fce5edbc8e2a8697c15331677e6ebf0b: { balance: '0x5ffd4878be161d74', code: '0x', nonce: '0xac', storage: {} },
    '0x8a8eafb1cf62bfbeb1741769dae1a9dd47996192': { balance: '0xfeedbead', nonce: '0x00' },
  },
  env: {
    currentCoinbase: '0xc94f5374fce5edbc8e2a8697c15331677e6ebf0b',
    currentDifficulty: '0x20000',
    currentGasLimit: '0x750a163df65e8a',
    currentNumber: '1',
    currentTimestamp: '1000',
    blockHashes: { '0': '0x5e20a0453cecd065ea59c37ac63e079ee08998b6045136a8ce6635c7912ec0b6' },
  },
  txs: Array(2).fill({
    gas: '0x5208', gasPrice: '0x2', hash: '0x0557bacce3375c98d806609b8d5043072f0b6a8bae45ae5a67a00d3a1a18d673', input: '0x', nonce: '0x0',
    r: '0x9500e8ba27d3c33ca7764e107410f44cbd8c19794bde214d694683a7aa998cdb',
    s: '0x7235ae07e4bd6e0206d102b1f8979d6adab280466b6a82d2208ee08951f1f600',
    to: '0x8a8eafb1cf62bfbeb1741769dae1a9dd47996192', v: '0x1b', value: '0x1',
  }),
};
const EXAMPLE_ALLOC = {
  '0x8a8eafb1cf62bfbeb1741769dae1a9dd47996192': { balance: '0xfeed1a9d', nonce: '0x1' },
  '0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b': { balance: '0x5ffd4878be161d74', nonce: '0xac' },
  '0xc94f5374fce5edbc8e2a8697c15331677e6ebf0b': { balance: '0xa410' },
};

describe('t8n matches geth on its documented example', () => {
  it('prints the roots, receipt, rejection and alloc of cmd/evm/testdata/1', async () => {
    const r = await t8n(EXAMPLE, ['--state.fork', 'Byzantium']);
    expect(r.code).toBe(0);
    expect(r.result.stateRoot).toBe('0x84208a19bc2b46ada7445180c1db162be5b39b9abc8c0a54b05d32943eae4e13');
    expect(r.result.txRoot).toBe('0xc4761fd7b87ff2364c7c60b6c5c8d02e522e815328aaea3f20e3b7b7ef52c42d');
    expect(r.result.receiptsRoot).toBe('0x056b23fbba480696b65fe5a59b8f2148a1299103c4f57df839233af2cf4ca2d2');
    expect(r.result.logsHash).toBe(EMPTY_LOGS);
    expect(r.result.currentDifficulty).toBe('0x20000');
    expect(r.result.gasUsed).toBe('0x5208');
    expect(r.result.receipts).toEqual([{
      root: '0x', status: '0x1', cumulativeGasUsed: '0x5208', logsBloom: `0x${'00'.repeat(256)}`, logs: [],
      transactionHash: '0x0557bacce3375c98d806609b8d5043072f0b6a8bae45ae5a67a00d3a1a18d673',
      contractAddress: `0x${'00'.repeat(20)}`, gasUsed: '0x5208', effectiveGasPrice: '0x2',
      blockHash: `0x1337${'00'.repeat(30)}`, blockNumber: '0x1', transactionIndex: '0x0',
    }]);
    expect(r.result.rejected).toHaveLength(1);
    expect(r.result.rejected[0].index).toBe(1);
    expect(r.result.rejected[0].error).toMatch(/^nonce too low/);
    expect(r.alloc).toEqual(EXAMPLE_ALLOC);
    // Files are written the way Go's json.MarshalIndent(v, "", " ") writes them.
    expect(readFileSync(join(r.dir, 'alloc.json'), 'utf8')).toBe(JSON.stringify(EXAMPLE_ALLOC, null, 1));
  });

  it('chains: the body written as .rlp and the alloc written out feed the next run', async () => {
    const first = await t8n(EXAMPLE, ['--state.fork', 'Byzantium']);
    expect(first.body).toMatch(/^0xf8/);
    const again = await t8n({ alloc: EXAMPLE.alloc, env: EXAMPLE.env, txs: first.body, txsFile: 'signed_txs.rlp' }, ['--state.fork', 'Byzantium']);
    expect(again.code).toBe(0);
    expect(again.result.stateRoot).toBe(first.result.stateRoot);
    expect(again.result.txRoot).toBe(first.result.txRoot);
    // Both copies now have a stale nonce (geth's README "Chaining" example).
    const next = await t8n({ alloc: first.alloc, env: EXAMPLE.env, txs: EXAMPLE.txs }, ['--state.fork', 'Byzantium', '--state.reward', '-1']);
    expect(next.result.rejected.map((x: J) => x.index)).toEqual([0, 1]);
    expect(next.result.receipts).toEqual([]);
    expect(next.result.stateRoot).toBe(first.result.stateRoot);
  });

  it('reads {alloc, env, txs} from stdin and writes {alloc, result} to stdout', async () => {
    let stdout = '';
    let stderr = '';
    const code = await run(
      ['--input.alloc', 'stdin', '--input.env', 'stdin', '--input.txs', 'stdin', '--output.result', 'stdout', '--output.alloc', 'stdout', '--state.fork', 'Byzantium'],
      { readStdin: () => JSON.stringify(EXAMPLE), stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.endsWith('}\n')).toBe(true);
    const out = JSON.parse(stdout);
    expect(Object.keys(out)).toEqual(['alloc', 'result']);
    expect(out.alloc).toEqual(EXAMPLE_ALLOC);
    expect(out.result.stateRoot).toBe('0x84208a19bc2b46ada7445180c1db162be5b39b9abc8c0a54b05d32943eae4e13');
  });

  it('takes signed RLP on stdin as txsRlp', async () => {
    const first = await t8n(EXAMPLE, ['--state.fork', 'Byzantium']);
    let stdout = '';
    const code = await run(
      ['--input.alloc', 'stdin', '--input.env', 'stdin', '--input.txs', 'stdin', '--output.result', 'stdout', '--output.alloc', '', '--state.fork', 'Byzantium'],
      { readStdin: () => JSON.stringify({ alloc: EXAMPLE.alloc, env: EXAMPLE.env, txsRlp: first.body }), stdout: (s) => void (stdout += s), stderr: () => {} },
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout).result.txRoot).toBe(first.result.txRoot);
  });
});

describe('t8n rejects invalid transactions like geth', () => {
  const c = cases.find((x) => x.fork === 'Cancun' && x.keyedTx.type === '0x0')!;
  const flags = ['--state.fork', c.fork, '--state.reward', '-1'];

  it.each([
    ['nonce too high', { nonce: '0x05' }],
    ['intrinsic gas too low', { gas: '0x5207' }],
    ['insufficient funds for gas * price + value', { value: `0x${'ff'.repeat(31)}` }],
  ])('%s: reported in rejected, state left as it was', async (phrase, change) => {
    const untouched = await t8n({ alloc: c.alloc, env: c.env, txs: [] }, flags);
    const r = await t8n({ alloc: c.alloc, env: c.env, txs: [{ ...c.keyedTx, ...change }] }, flags);
    expect(r.code).toBe(0);
    expect(r.result.rejected).toHaveLength(1);
    expect(r.result.rejected[0].index).toBe(0);
    expect(r.result.rejected[0].error.startsWith(`${phrase}: `)).toBe(true);
    expect(r.result.receipts).toEqual([]);
    expect(r.result.stateRoot).toBe(untouched.result.stateRoot);
    expect(r.result.logsHash).toBe(EMPTY_LOGS);
    expect(r.body).toBe('0xc0');
    expect(r.alloc).toEqual(untouched.alloc);
  });
});

const KEY = '0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8';
const SENDER = '0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b';
const COINBASE = `0x${'aa'.repeat(20)}`;
const RECIPIENT = `0x${'cc'.repeat(20)}`;
const EMPTY_TRIE = '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421';
const POW_ENV = { currentCoinbase: COINBASE, currentDifficulty: '0x20000', currentGasLimit: '0x1000000', currentNumber: '0x1', currentTimestamp: '0x3e8' };
const { currentDifficulty: _pow, ...POS_BASE } = POW_ENV;
const POS_ENV = { ...POS_BASE, currentRandom: '0x0', currentBaseFee: '0x7', withdrawals: [] };
const FUNDED = { [SENDER]: { balance: '0xde0b6b3a7640000' } };
const transfer = (extra: J = {}) => ({ type: '0x0', nonce: '0x0', gas: '0x5208', gasPrice: '0xa', to: RECIPIENT, value: '0x1', secretKey: KEY, ...extra });

/** The root the engine itself computes for `alloc` (no txs, no rewards): an independent check of t8n's own root. */
async function engineRoot(alloc: J, fork: string, env: J): Promise<string> {
  const r = await t8n({ alloc, env, txs: [] }, ['--state.fork', fork, '--state.reward', '-1']);
  expect(r.code).toBe(0);
  return r.result.stateRoot;
}

describe('t8n block-level rules', () => {
  it('pays the block reward and ommer rewards pre-merge (geth README "About Ommers")', async () => {
    const env = { ...POW_ENV, ommers: [{ delta: 1, address: `0x${'bb'.repeat(20)}` }, { delta: 2, address: RECIPIENT }] };
    const r = await t8n({ alloc: {}, env, txs: [] }, ['--state.fork', 'Berlin', '--state.reward', '0x80']);
    expect(r.code).toBe(0);
    expect(r.alloc).toEqual({
      [COINBASE]: { balance: '0x88' },
      [`0x${'bb'.repeat(20)}`]: { balance: '0x70' },
      [RECIPIENT]: { balance: '0x60' },
    });
    expect(r.result.stateRoot).toBe(await engineRoot(r.alloc, 'Berlin', POW_ENV));
  });

  it('adds a 2 ETH Berlin block reward to the coinbase on top of the fees', async () => {
    const r = await t8n({ alloc: FUNDED, env: POW_ENV, txs: [transfer()] }, ['--state.fork', 'Berlin', '--state.reward', '2000000000000000000']);
    expect(r.code).toBe(0);
    expect(BigInt(r.alloc[COINBASE].balance)).toBe(2_000_000_000_000_000_000n + 21000n * 10n);
    expect(r.result.stateRoot).toBe(await engineRoot(r.alloc, 'Berlin', POW_ENV));
    const none = await t8n({ alloc: FUNDED, env: POW_ENV, txs: [transfer()] }, ['--state.fork', 'Berlin', '--state.reward', '-1']);
    expect(BigInt(none.alloc[COINBASE].balance)).toBe(21000n * 10n);
  });

  it('a zero reward touches the coinbase: created before EIP-161, swept as empty after it', async () => {
    const emptyCoinbase = { [COINBASE]: { balance: '0x0' } };
    const homestead = await t8n({ alloc: {}, env: POW_ENV, txs: [] }, ['--state.fork', 'Homestead', '--state.reward', '0']);
    expect(homestead.alloc).toEqual({ [COINBASE]: { balance: '0x0' } });
    const swept = await t8n({ alloc: emptyCoinbase, env: POW_ENV, txs: [] }, ['--state.fork', 'Berlin', '--state.reward', '0']);
    expect(swept.alloc).toEqual({});
    expect(swept.result.stateRoot).toBe(EMPTY_TRIE);
    const disabled = await t8n({ alloc: emptyCoinbase, env: POW_ENV, txs: [] }, ['--state.fork', 'Berlin', '--state.reward', '-1']);
    expect(disabled.alloc).toEqual(emptyCoinbase);
  });

  it('applies withdrawals (gwei) from Shanghai and reports their root', async () => {
    const w = (index: string, address: string, amount: string) => ({ index, validatorIndex: '0x7', address, amount });
    const env = { ...POS_ENV, withdrawals: [w('0x0', RECIPIENT, '0x2'), w('0x1', COINBASE, '0x0')] };
    const r = await t8n({ alloc: FUNDED, env, txs: [] }, ['--state.fork', 'Shanghai']);
    expect(r.code).toBe(0);
    expect(r.alloc[RECIPIENT]).toEqual({ balance: '0x77359400' });
    expect(r.alloc[COINBASE]).toBeUndefined();
    expect(r.result.withdrawalsRoot).toMatch(/^0x[0-9a-f]{64}$/);
    expect(r.result.withdrawalsRoot).not.toBe(EMPTY_TRIE);
    expect(r.result.stateRoot).toBe(await engineRoot(r.alloc, 'Shanghai', POS_ENV));
    const none = await t8n({ alloc: FUNDED, env: POS_ENV, txs: [] }, ['--state.fork', 'Shanghai']);
    expect(none.result.withdrawalsRoot).toBe(EMPTY_TRIE);
    expect(none.result.currentDifficulty).toBeNull();
  });

  it('derives currentBaseFee from the parent block (EIP-1559)', async () => {
    const { currentBaseFee: _b, ...noBaseFee } = { ...POW_ENV, currentBaseFee: '0x0' };
    const parent = (used: bigint) => ({ ...noBaseFee, parentBaseFee: '0x3b9aca00', parentGasLimit: '0x1312d00', parentGasUsed: `0x${used.toString(16)}` });
    const expected: [bigint, bigint][] = [[20_000_000n, 1_125_000_000n], [10_000_000n, 1_000_000_000n], [0n, 875_000_000n], [15_000_000n, 1_062_500_000n]];
    for (const [used, fee] of expected) {
      const r = await t8n({ alloc: FUNDED, env: parent(used), txs: [] }, ['--state.fork', 'London']);
      expect(r.code).toBe(0);
      expect(BigInt(r.result.currentBaseFee)).toBe(fee);
    }
    // The derived fee is the one the transactions see.
    const tx = { type: '0x2', chainId: '0x1', nonce: '0x0', gas: '0x5208', maxFeePerGas: '0x4190ab00', maxPriorityFeePerGas: '0x0', to: RECIPIENT, value: '0x1', secretKey: KEY };
    const low = await t8n({ alloc: FUNDED, env: parent(20_000_000n), txs: [tx] }, ['--state.fork', 'London']);
    expect(low.result.rejected).toHaveLength(1);
    expect(low.result.rejected[0].error).toMatch(/maxFeePerGas \(1100000000\) is less than the block's baseFeePerGas \(1125000000\)/);
    const ok = await t8n({ alloc: FUNDED, env: parent(10_000_000n), txs: [tx] }, ['--state.fork', 'London']);
    expect(ok.result.rejected).toBeUndefined();
    expect(ok.result.receipts[0]).toMatchObject({ type: '0x2', effectiveGasPrice: '0x3b9aca00' });
  });

  it('derives currentDifficulty pre-merge from the parent (ethash)', async () => {
    const { currentDifficulty: _d, ...env } = POW_ENV;
    const r = await t8n({ alloc: {}, env: { ...env, parentDifficulty: '0x20000', parentTimestamp: '999' }, txs: [] }, ['--state.fork', 'Berlin', '--state.reward', '-1']);
    expect(r.code).toBe(0);
    expect(r.result.currentDifficulty).toBe('0x20040');
  });

  it('derives the excess blob gas from the parent, per fork target', async () => {
    const env = { ...POS_ENV, parentExcessBlobGas: '0x60000', parentBlobGasUsed: '0x60000' };
    const cancun = await t8n({ alloc: {}, env, txs: [] }, ['--state.fork', 'Cancun']);
    expect(cancun.result).toMatchObject({ currentExcessBlobGas: '0x60000', blobGasUsed: '0x0' });
    const prague = await t8n({ alloc: {}, env, txs: [] }, ['--state.fork', 'Prague']);
    expect(prague.result.currentExcessBlobGas).toBe('0x0');
  });

  it('rejects blob transactions when the env gives no excess blob gas', async () => {
    const blobTx = {
      type: '0x3', chainId: '0x1', nonce: '0x0', gas: '0x5208', maxFeePerGas: '0xa', maxPriorityFeePerGas: '0x1', to: RECIPIENT, value: '0x0',
      maxFeePerBlobGas: '0xa', blobVersionedHashes: [`0x01${'00'.repeat(31)}`], secretKey: KEY,
    };
    const r = await t8n({ alloc: FUNDED, env: POS_ENV, txs: [blobTx, transfer()] }, ['--state.fork', 'Cancun']);
    expect(r.code).toBe(0);
    expect(r.result.rejected).toEqual([{ index: 0, error: 'blob tx used but field env.ExcessBlobGas missing' }]);
    expect(r.result.receipts).toHaveLength(1);
    expect(r.result.receipts[0].transactionIndex).toBe('0x0');
    expect(r.result.currentExcessBlobGas).toBeUndefined();
    const withExcess = await t8n({ alloc: FUNDED, env: { ...POS_ENV, currentExcessBlobGas: '0x0' }, txs: [blobTx] }, ['--state.fork', 'Cancun']);
    expect(withExcess.result.rejected).toBeUndefined();
    expect(withExcess.result.receipts[0]).toMatchObject({ type: '0x3', blobGasUsed: '0x20000', blobGasPrice: '0x1' });
    expect(withExcess.result.blobGasUsed).toBe('0x20000');
  });

  it('reports a CREATE address in the receipt', async () => {
    const create = transfer({ to: null, input: '0x600160005500', gas: '0x20000' });
    const r = await t8n({ alloc: FUNDED, env: POW_ENV, txs: [create] }, ['--state.fork', 'Berlin', '--state.reward', '-1']);
    // keccak(rlp([sender, 0]))[12:] for the well-known test sender.
    expect(r.result.receipts[0].contractAddress).toBe('0x6295ee1b4f6dd65047762f924ecd367c17eabf8f');
    expect(r.alloc['0x6295ee1b4f6dd65047762f924ecd367c17eabf8f']).toMatchObject({ storage: { [`0x${'00'.repeat(32)}`]: `0x${'00'.repeat(31)}01` } });
  });
});

describe('t8n exit codes (geth: 2 EVM, 3 config, 4 blockhash, 10 JSON, 11 IO, 12 RLP)', () => {
  // PUSH1 1 NUMBER SUB BLOCKHASH PUSH1 0 SSTORE: stores the parent block's hash.
  const BLOCKHASH_CODE = '0x600143034060005500';
  const hashCaller = { ...FUNDED, [RECIPIENT]: { balance: '0x0', code: BLOCKHASH_CODE } };
  const parentHash = `0x${'ab'.repeat(32)}`;

  const expectExit = (r: Run, code: number, message: RegExp) => {
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(new RegExp(`^ERROR\\(${code}\\): `));
    expect(r.stderr).toMatch(message);
  };

  it('3 for an unknown fork', async () => {
    expectExit(await t8n({ alloc: {}, env: POW_ENV, txs: [] }, ['--state.fork', 'Frontier+1344']), ExitCode.Config, /unsupported fork/);
  });

  it('3 for an env the fork cannot run with', async () => {
    const { currentBaseFee: _b, ...noBaseFee } = POS_ENV;
    expectExit(await t8n({ alloc: {}, env: noBaseFee, txs: [] }, ['--state.fork', 'Cancun']), 3, /missing 'currentBaseFee'/);
    const { withdrawals: _w, ...noWithdrawals } = POS_ENV;
    expectExit(await t8n({ alloc: {}, env: noWithdrawals, txs: [] }, ['--state.fork', 'Shanghai']), 3, /missing 'withdrawals'/);
    const { currentRandom: _r, ...noRandom } = POS_ENV;
    expectExit(await t8n({ alloc: {}, env: noRandom, txs: [] }, ['--state.fork', 'Paris']), 3, /currentRandom/);
    expectExit(await t8n({ alloc: {}, env: { ...POS_ENV, currentDifficulty: '0x1' }, txs: [] }, ['--state.fork', 'Paris']), 3, /difficulty must be zero/);
    const { currentDifficulty: _d, ...noDifficulty } = POW_ENV;
    expectExit(await t8n({ alloc: {}, env: noDifficulty, txs: [] }, ['--state.fork', 'Berlin']), 3, /parentDifficulty/);
    expectExit(await t8n({ alloc: {}, env: POW_ENV, txs: [] }, ['--state.fork', 'Berlin', '--engine', 'nope']), 3, /unknown engine/);
  });

  it('4 when BLOCKHASH asks for a hash the env does not give', async () => {
    for (const [fork, env] of [['Berlin', POW_ENV], ['Prague', POS_ENV]] as const) {
      const flags = ['--state.fork', fork, '--state.reward', '-1'];
      expectExit(await t8n({ alloc: hashCaller, env, txs: [transfer({ gas: '0x20000' })] }, flags), ExitCode.MissingBlockhash, /getHash\(0\)/);
      const ok = await t8n({ alloc: hashCaller, env: { ...env, blockHashes: { '0x0': parentHash } }, txs: [transfer({ gas: '0x20000' })] }, flags);
      expect(ok.code).toBe(0);
      expect(ok.alloc[RECIPIENT].storage).toEqual({ [`0x${'00'.repeat(32)}`]: parentHash });
    }
    // No BLOCKHASH executed: no hashes needed, even at Prague where the parent hash is stored pre-block.
    expect((await t8n({ alloc: FUNDED, env: POS_ENV, txs: [transfer()] }, ['--state.fork', 'Prague'])).code).toBe(0);
  });

  it('10 for malformed JSON input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 't8n-'));
    writeFileSync(join(dir, 'bad.json'), '{"0xa94f": ');
    const r = await t8n({ env: POW_ENV, txs: [] }, ['--state.fork', 'Berlin', '--input.alloc', join(dir, 'bad.json')]);
    expectExit(r, ExitCode.Json, /failed unmarshaling alloc file/);
    expectExit(await t8n({ alloc: {}, env: { ...POW_ENV, currentNumber: 'one' }, txs: [] }, ['--state.fork', 'Berlin']), 10, /currentNumber/);
    expectExit(await t8n({ alloc: {}, env: POW_ENV, txs: [{ nonce: '0x0', gasPrice: '0x1' }] }, ['--state.fork', 'Berlin']), 10, /missing required field 'gas'/);
    const foreign = { type: '0x2', chainId: '0x5', nonce: '0x0', gas: '0x5208', maxFeePerGas: '0xa', maxPriorityFeePerGas: '0x1', to: RECIPIENT, secretKey: KEY };
    expectExit(await t8n({ alloc: FUNDED, env: { ...POW_ENV, currentBaseFee: '0x7' }, txs: [foreign] }, ['--state.fork', 'London']), 10, /invalid chain id for signer/);
    let stderr = '';
    const code = await run(['--input.alloc', 'stdin', '--state.fork', 'Berlin'], { readStdin: () => 'nope', stdout: () => {}, stderr: (s) => void (stderr += s) });
    expect(code).toBe(ExitCode.Json);
    expect(stderr).toMatch(/^ERROR\(10\): failed unmarshaling stdin/);
  });

  it('11 for an unreadable input file', async () => {
    expectExit(await t8n({ alloc: {}, txs: [] }, ['--state.fork', 'Berlin']), ExitCode.IO, /failed reading env file/);
  });

  it('12 for an .rlp txs file that is not an RLP list', async () => {
    for (const body of ['0xzz', '0x01', '0xf9']) {
      const r = await t8n({ alloc: {}, env: POW_ENV, txs: body, txsFile: 'txs.rlp' }, ['--state.fork', 'Berlin']);
      expectExit(r, ExitCode.Rlp, /./);
    }
  });

  it('1 for a bad flag; --trace flags are accepted with a warning', async () => {
    expect((await t8n({ alloc: {}, env: POW_ENV, txs: [] }, ['--no-such-flag'])).code).toBe(ExitCode.General);
    const r = await t8n({ alloc: {}, env: POW_ENV, txs: [] }, ['--state.fork', 'Berlin', '--trace', '--trace.memory']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^WARN t8n: tracing is not supported; ignoring --trace, --trace.memory/);
  });
});
