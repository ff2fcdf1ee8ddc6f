import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fixturePath } from '../support/fixtures.js';
import { run as blocktest } from '../../src/cli/commands/blocktest.js';
import { findBlockDirs, replay, runBlockTest } from '../../src/conformance/blocktest.js';
import { loadMainnetBlock, mainnetFork, unsignedTx } from '../../src/conformance/mainnet-block.js';
import { testRegistry } from '../support/registry.js';
import { forkAtLeast, parseFork } from '../../src/model/fork.js';

const ROOT = fixturePath('mainnet-blocks');
const LONG = process.env.EVMGPU_LONG === '1';

/**
 * The default run: small blocks covering every rule-set fork, fork-activation blocks
 * where they are cheap, and the features each fork brought (DAO-era BLOCKHASH, access
 * lists, the terminal PoW block, a blob transaction with a non-zero blob base fee).
 * EVMGPU_LONG=1 replays all 44.
 */
const DEFAULT_BLOCKS = [
  46147, 930196, // Frontier
  1150000, 2462997, // Homestead (the latter in the DAO era, with block_hashes.json)
  2641321, // TangerineWhistle
  2675000, // SpuriousDragon
  4370000, 6137495, // Byzantium
  7280000, 9068998, // Constantinople/Petersburg
  9069000, // Istanbul
  12459406, // Berlin, with access-list transactions
  13217637, 15537393, // London; the terminal proof-of-work block
  15537394, // Paris, the first proof-of-stake block
  18426253, // Shanghai
  19426587, 19933122, // Cancun; a blob transaction at a non-zero excess blob gas
];

interface Header { number: string; timestamp: string; receiptsRoot: string; logsBloom: string; gasUsed: string; transactions: unknown[] }
const header = (dir: string): Header => JSON.parse(readFileSync(join(dir, 'block.json'), 'utf8')) as Header;

const registry = testRegistry();
const engine = registry.get('reference');
afterAll(() => registry.close());

describe(`mainnet blocks, reference engine (${LONG ? 'all' : 'a few per fork; EVMGPU_LONG=1 for all'})`, () => {
  const dirs = LONG ? findBlockDirs([ROOT]) : DEFAULT_BLOCKS.map((n) => join(ROOT, String(n)));

  for (const dir of dirs) {
    const h = header(dir);
    const fork = mainnetFork(BigInt(h.number), BigInt(h.timestamp));
    it(`block ${Number(h.number)} (${fork}, ${h.transactions.length} txs)`, async () => {
      const o = await runBlockTest(engine, dir);
      expect(o.error).toBeUndefined();
      expect(o).toMatchObject({ ok: true, fork, engine: 'reference', txs: h.transactions.length, block: Number(h.number) });
      expect(o.actual?.gasUsed).toBe(BigInt(h.gasUsed));
      expect(o.actual?.logsBloom).toBe(h.logsBloom);
      if (forkAtLeast(fork, 'Byzantium')) {
        expect(o.checks).toEqual({ receiptsRoot: true, logsBloom: true, gasUsed: true });
        expect(o.actual?.receiptsRoot).toBe(h.receiptsRoot);
      } else {
        expect(o.checks).toEqual({ logsBloom: true, gasUsed: true });
      }
    });
  }
});

/** Engine gpu on real blocks from Berlin on: every header must still match. */
describe(`mainnet blocks, engine gpu (${LONG ? 'all from Berlin' : 'one per fork from Berlin'})`, () => {
  const gpu = registry.get('gpu');
  const GPU_DEFAULT = [12459406, 13217637, 15537394, 18426253, 19933122];
  const dirs = (LONG ? findBlockDirs([ROOT]) : GPU_DEFAULT.map((n) => join(ROOT, String(n)))).filter((dir) => {
    const h = header(dir);
    return forkAtLeast(mainnetFork(BigInt(h.number), BigInt(h.timestamp)), 'Berlin');
  });

  for (const dir of dirs) {
    const h = header(dir);
    it(`block ${Number(h.number)} (${h.transactions.length} txs)`, async () => {
      const o = await runBlockTest(gpu, dir);
      expect(o.error).toBeUndefined();
      expect(o.ok).toBe(true);
      expect(o.actual?.receiptsRoot).toBe(h.receiptsRoot);
      expect(o.actual?.logsBloom).toBe(h.logsBloom);
      expect(o.actual?.gasUsed).toBe(BigInt(h.gasUsed));
      // The first block creates the GPU kernels' pipelines: minutes on lavapipe with a
      // cold shader cache on a loaded machine.
    }, 600_000);
  }
});

describe('block folders and forks', () => {
  const index = JSON.parse(readFileSync(join(ROOT, 'index.json'), 'utf8')) as { block: number; fork: string }[];

  it('finds all 44 blocks in a parent folder, in block-number order', () => {
    const dirs = findBlockDirs([ROOT]);
    expect(dirs.map((d) => Number(d.slice(ROOT.length + 1)))).toEqual(index.map((e) => e.block));
  });

  it('takes a block folder as itself and rejects a folder without blocks', () => {
    expect(findBlockDirs([join(ROOT, '46147')])).toEqual([join(ROOT, '46147')]);
    expect(() => findBlockDirs([mkdtempSync(join(tmpdir(), 'evmgpu-bt-empty-'))])).toThrow(/no block\.json/);
  });

  it('picks the same fork as the fixture index (in rule-set naming)', () => {
    const spelled: Record<string, string> = { Tangerine: 'TangerineWhistle' };
    for (const e of index) {
      const h = header(join(ROOT, String(e.block)));
      expect(mainnetFork(BigInt(h.number), BigInt(h.timestamp)), String(e.block)).toBe(parseFork(spelled[e.fork] ?? e.fork));
    }
  });

  it('turns RPC transactions into unsigned ones with every execution field', () => {
    const dir = join(ROOT, '19933122');
    const i = (header(dir).transactions as { type: string }[]).findIndex((t) => t.type === '0x3');
    const rpc = header(dir).transactions[i] as Record<string, unknown>;
    const blob = loadMainnetBlock(dir).batch.txs[i];
    expect(blob).toMatchObject({
      type: '0x3', from: rpc.from, to: rpc.to, nonce: rpc.nonce, gas: rpc.gas, value: rpc.value, data: rpc.input, chainId: '0x1',
      maxFeePerGas: rpc.maxFeePerGas, maxPriorityFeePerGas: rpc.maxPriorityFeePerGas,
      maxFeePerBlobGas: rpc.maxFeePerBlobGas, blobVersionedHashes: rpc.blobVersionedHashes, accessList: rpc.accessList,
    });
    // The RPC's gasPrice of a typed-fee transaction is the effective price, an output.
    expect(blob).not.toHaveProperty('gasPrice');
    const create = unsignedTx({ from: '0xAA00000000000000000000000000000000000000', to: null, nonce: '0x1', gas: '0x5208', value: '0x0', input: '0x60', gasPrice: '0x1' });
    expect(create).toEqual({ type: '0x0', from: '0xaa00000000000000000000000000000000000000', to: null, nonce: '0x1', gas: '0x5208', value: '0x0', data: '0x60', gasPrice: '0x1' });
  });
});

describe('block replay catches mismatches', () => {
  it('fails on a receiptsRoot that differs from the header', async () => {
    const b = loadMainnetBlock(join(ROOT, '19426587'));
    const o = await replay(engine, { ...b, expect: { ...b.expect, receiptsRoot: `0x${'11'.repeat(32)}` } });
    expect(o.ok).toBe(false);
    expect(o.checks).toEqual({ receiptsRoot: false, logsBloom: true, gasUsed: true });
    expect(o.error).toMatch(/receiptsRoot/);
  });

  it('fails on a missing transaction (gasUsed and receipts no longer match)', async () => {
    const b = loadMainnetBlock(join(ROOT, '930196'));
    const o = await replay(engine, { ...b, batch: { ...b.batch, txs: b.batch.txs.slice(1) } });
    expect(o.ok).toBe(false);
    expect(o.checks.gasUsed).toBe(false);
    expect(o.error).toMatch(/gasUsed/);
  });

  it('does not compare receiptsRoot before Byzantium', async () => {
    const b = loadMainnetBlock(join(ROOT, '46147'));
    const o = await replay(engine, { ...b, expect: { ...b.expect, receiptsRoot: `0x${'11'.repeat(32)}` } });
    expect(o.ok).toBe(true);
    expect(o.checks).toEqual({ logsBloom: true, gasUsed: true });
  });
});

describe('evmgpu blocktest command', () => {
  function capture() {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a) => void lines.push(a.join(' ')));
    const err = vi.spyOn(console, 'error').mockImplementation((...a) => void lines.push(a.join(' ')));
    return { lines, restore: () => (log.mockRestore(), err.mockRestore()) };
  }

  it('replays one block, prints "1 passed, 0 failed" last and writes its JSON record', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'evmgpu-bt-')), 'out.json');
    const dir = join(ROOT, '46147');
    const out = capture();
    const code = await blocktest([dir, '--json', json]).finally(out.restore);
    expect(code).toBe(0);
    expect(out.lines).toEqual(['ok   46147 Frontier 1 txs', '1 passed, 0 failed']);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toEqual([
      { dir, block: 46147, fork: 'Frontier', ok: true, engine: 'reference', engines: { reference: 1 }, txs: 1, checks: { logsBloom: true, gasUsed: true } },
    ]);
  });

  it('exits 1 and prints FAIL when a header disagrees', async () => {
    // Copied file by file: the fixtures are read-only and a copy would keep their modes.
    const dir = join(mkdtempSync(join(tmpdir(), 'evmgpu-bt-')), '46147');
    mkdirSync(dir);
    for (const f of readdirSync(join(ROOT, '46147'))) writeFileSync(join(dir, f), readFileSync(join(ROOT, '46147', f)));
    writeFileSync(join(dir, 'block.json'), JSON.stringify({ ...header(dir), gasUsed: '0x5209' }));
    const out = capture();
    const code = await blocktest([dir]).finally(out.restore);
    expect(code).toBe(1);
    expect(out.lines[0]).toMatch(/^FAIL 46147 Frontier 1 txs \(reference\): gasUsed 21000 != header 21001/);
    expect(out.lines.at(-1)).toBe('0 passed, 1 failed');
  });

  it('exits 2 on usage errors: no dirs, an unknown flag or engine, a path without blocks', async () => {
    const dir = join(ROOT, '46147');
    for (const args of [[], [dir, '--bogus'], [dir, '--engine', 'warp'], [join(ROOT, 'absent')]]) {
      const out = capture();
      const code = await blocktest(args).finally(out.restore);
      expect(code, args.join(' ')).toBe(2);
    }
  });
});
