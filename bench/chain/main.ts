import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readEnvironment } from '../../src/config/environment.js';
import { resolveConfig } from '../../src/config/resolve.js';
import type { Hex, WireBatch } from '../../src/model/shapes.js';
import { bytesToHex, quantityToHex } from '../../src/primitives/hex.js';
import { EngineRegistry } from '../../src/registry/registry.js';
import { Chain } from '../../src/rollup/chain.js';
import { buildApp } from '../../src/server/app.js';
import { describeMachine } from '../suite/machine.js';
import { ChainPlan, COINBASE, TIMESTAMP, type PlannedBlock } from './plan.js';
import { renderReport, type BlockRow, type ChainReport } from './report.js';

/**
 * The rollup co-processor benchmark: a genesis of a million accounts built in the store,
 * then blocks of ERC-20 transfers and Uniswap swaps posted to POST /v1/chain/blocks, each
 * also posted to POST /v1/execute with its pre-state in the body (read from the chain
 * before the block) on the same engine, alternating which goes first. Both answers must
 * agree (all but the state root, which /v1/execute computes over its partial pre-state).
 *
 *   npm run bench:chain -- [--accounts 1000000] [--blocks 100] [--txs 1000] [--engine auto]
 *                               [--swap-share 0.4] [--pools 64] [--seed 1] [--report dir] [--dir store]
 *                               [--max-batch-ms 60000] [--deadline 2026-12-03T20:55:00Z]
 *
 * `npm run bench:chain` runs Node with the service's young generation (`--max-semi-space-size=64`,
 * as npm start does): without it, a 1M-account run's engine phase paused for scavenges of 50-127 ms.
 * --max-batch-ms: the service's limit per batch (default 60,000, as `evmgpu serve`). The engine's
 * kernels are made before the first block (registry.warmUp), as `serve` does at start-up.
 * The service's overload shedding is off (maxEventLoopDelayMs 0): the bench is its only client, and
 * one 503 OVERLOADED (event-loop delay, at load average 15-23 here) ended a 1M-account run at block 90.
 * --dir with a store that already holds blocks of the same plan (same options and seed): the genesis
 * is checked, not rebuilt, and the run resumes at the head + 1.
 * --deadline: stop applying blocks once the next one (timed as the last) would end after it,
 * and report the blocks applied; the report says how many of the planned blocks ran.
 */
const { values: a } = parseArgs({
  options: {
    accounts: { type: 'string', default: '1000000' },
    blocks: { type: 'string', default: '100' },
    txs: { type: 'string', default: '1000' },
    'swap-share': { type: 'string', default: '0.4' },
    pools: { type: 'string', default: '64' },
    seed: { type: 'string', default: '1' },
    engine: { type: 'string', default: 'auto' },
    report: { type: 'string', default: 'bench/results/latest-chain' },
    dir: { type: 'string' },
    'max-batch-ms': { type: 'string', default: '60000' },
    deadline: { type: 'string' },
  },
});

const FORK = 'Prague';
const CHAIN_ID = 1n;
const opts = { accounts: Number(a.accounts), blocks: Number(a.blocks), txs: Number(a.txs), swapShare: Number(a['swap-share']), pools: Number(a.pools), seed: Number(a.seed) };
const engine = a.engine!;
const dir = a.dir ?? mkdtempSync(join(tmpdir(), 'evmgpu-chain-bench-'));

const config = resolveConfig({}, readEnvironment());
const registry = new EngineRegistry(config.runtime);
const chain = new Chain({ dir, rollbackDepth: 128, stateCacheBytes: 256 * 1024 * 1024 }, registry);
const app = buildApp({ logLevel: 'silent', bodyLimit: 1 << 30, maxTxs: 1_000_000, maxBatchMs: Number(a['max-batch-ms']), maxEventLoopDelayMs: 0 }, { registry, chain });
const log = (s: string) => process.stderr.write(`${s}\n`);

const started = new Date();
const loadBefore = loadavg()[1];
const machine = await describeMachine(registry.gpu);
log(`machine: ${machine.cpu} x${machine.cores}, adapter ${machine.adapter ?? 'none'}; store in ${dir}`);

let t = performance.now();
const plan = new ChainPlan(opts);
const planMs = performance.now() - t;
t = performance.now();
const env = { number: 0n, timestamp: TIMESTAMP, coinbase: Buffer.from(COINBASE.slice(2), 'hex'), gasLimit: 30_000_000n, baseFee: 7n, chainId: CHAIN_ID, blockHashes: new Map() };
const { created } = await chain.genesis(FORK, CHAIN_ID, env, plan.genesis());
const genesisMs = performance.now() - t;
const genesisBytes = chain.store.bytesUsed();
log(`genesis: ${opts.accounts} accounts ${created ? 'built' : 'already there, checked'} in ${(genesisMs / 1000).toFixed(1)} s (plan ${(planMs / 1000).toFixed(1)} s), ${(genesisBytes / 2 ** 20).toFixed(0)} MiB`);

/** The block's reads at the head, as a /v1/execute pre-state. */
function preOf(p: PlannedBlock): WireBatch['pre'] {
  const pre: WireBatch['pre'] = {};
  for (const [addr, slots] of p.reads) {
    const v = chain.account(addr, [...slots]);
    if (v.nonce === 0n && v.balance === 0n && v.code.length === 0 && Object.values(v.storage).every((x) => x === 0n)) continue;
    const storage: Record<string, Hex> = {};
    for (const [k, x] of Object.entries(v.storage)) if (x !== 0n) storage[k] = quantityToHex(x);
    pre[addr] = { balance: quantityToHex(v.balance), nonce: quantityToHex(v.nonce), ...(v.code.length ? { code: bytesToHex(v.code) } : {}), storage };
  }
  return pre;
}

async function post(url: string, payload: string): Promise<{ ms: number; body: any }> {
  const t0 = performance.now();
  const res = await app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
  const ms = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 400)}`);
  return { ms, body: res.json() };
}

/** What both answers must agree on: all but the state root, the chain's extra fields, stats and engine labels. */
function comparable(r: any): string {
  const { stats: _s, stateRoot: _r, number: _n, hash: _h, parentHash: _p, transactionsRoot: _t, ...rest } = r;
  return JSON.stringify({ ...rest, results: rest.results.map(({ engine: _e, ...x }: { engine: string }) => x) });
}

// As `serve` does at start-up: batches that come while the kernels are made run on the CPU routes.
const warm = await registry.warmUp(engine);
log(`warm-up: ${engine} ${warm.opened ? 'opened its GPU route' : 'has no GPU route'} in ${(warm.ms / 1000).toFixed(1)} s`);

const rows: BlockRow[] = [];
let mismatches = 0;
const deadline = a.deadline ? Date.parse(a.deadline) : Infinity;
if (Number.isNaN(deadline)) throw new Error(`--deadline ${a.deadline}: not a date`);
let lastBlockMs = 0;
// A --dir store already past its genesis (a run cut short) resumes at head + 1: the same plan, so the same blocks.
const resumeAfter = chain.head().number;
if (resumeAfter > 0n) log(`the store's head is block ${resumeAfter}: resuming at ${resumeAfter + 1n}`);
for (const [i, p] of plan.blocks.entries()) {
  if (BigInt(p.block.number) <= resumeAfter) continue;
  if (Date.now() + lastBlockMs > deadline) {
    log(`deadline ${a.deadline}: stopping after ${rows.length} of ${plan.blocks.length} blocks`);
    break;
  }
  const blockStarted = performance.now();
  const n = BigInt(p.block.number);
  const head = chain.head();
  const execute = JSON.stringify({
    fork: FORK, env: { ...p.block.env, number: p.block.number, chainId: quantityToHex(CHAIN_ID), blockHashes: { [quantityToHex(n - 1n)]: bytesToHex(head.hash) } },
    pre: preOf(p), txs: p.block.txs, options: { engine },
  });
  const block = JSON.stringify({ ...p.block, options: { engine } });
  let ex: { ms: number; body: any };
  let ch: { ms: number; body: any };
  if (i % 2 === 0) {
    ex = await post('/v1/execute', execute);
    ch = await post('/v1/chain/blocks', block);
  } else {
    ch = await post('/v1/chain/blocks', block);
    ex = await post('/v1/execute', execute);
  }
  const same = comparable(ex.body) === comparable(ch.body);
  if (!same) mismatches++;
  const s = ch.body.stats;
  rows.push({
    number: Number(n), txs: p.block.txs.length, chainMs: ch.ms, executeMs: ex.ms, same,
    chain: s.chain.timingsMs, readMs: s.chain.state.readMs, preloaded: s.chain.preloaded, loads: s.stateSource, fallbacks: s.speculation?.fallbacks ?? {},
    executeTimings: ex.body.stats.timingsMs, chainEngineTimings: s.timingsMs, executeFallbacks: ex.body.stats.speculation?.fallbacks ?? {},
  });
  lastBlockMs = performance.now() - blockStarted;
  log(`block ${n}: chain ${ch.ms.toFixed(0)} ms (preload ${s.chain.timingsMs.preload.toFixed(0)}, execute ${s.chain.timingsMs.execute.toFixed(0)}, trie ${s.chain.timingsMs.trie.toFixed(0)}, commit ${s.chain.timingsMs.commit.toFixed(0)}), /v1/execute ${ex.ms.toFixed(0)} ms, ${same ? 'same' : 'DIFFERENT'}; loads ${JSON.stringify(s.stateSource)}`);
}

const du = Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0]);
const report: ChainReport = {
  date: started.toISOString(), machine, engine, options: opts,
  genesis: { accounts: opts.accounts, ms: genesisMs, planMs, bytes: genesisBytes, created }, resumedAfter: Number(resumeAfter),
  store: { bytesUsed: chain.store.bytesUsed(), bytesOnDisk: du },
  rows, mismatches, load: { before: loadBefore, after: loadavg()[1] }, wallS: (Date.now() - started.getTime()) / 1000,
};
await app.close();
if (!a.dir) rmSync(dir, { recursive: true, force: true });
mkdirSync(a.report!, { recursive: true });
writeFileSync(join(a.report!, 'report.json'), JSON.stringify(report, null, 1));
writeFileSync(join(a.report!, 'report.md'), renderReport(report));
log(renderReport(report));
process.exitCode = mismatches > 0 ? 1 : 0;
