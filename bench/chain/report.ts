import type { Machine } from '../suite/types.js';

/** One block of the run: its wall time on each route, and the chain's breakdown of it. */
export interface BlockRow {
  number: number;
  txs: number;
  /** POST /v1/chain/blocks, wall time in the process (inject). */
  chainMs: number;
  /** The same transactions to POST /v1/execute with their pre-state in the body. */
  executeMs: number;
  same: boolean;
  chain: { preload: number; execute: number; trie: number; header: number; commit: number; total: number };
  /** Store reads during execution (on demand), milliseconds. */
  readMs: number;
  preloaded: { accounts: number; slots: number };
  loads: { accounts: number; slots: number; counts: number; wipes: number } | undefined;
  fallbacks: Record<string, number>;
  executeTimings: Record<string, number>;
  /** The engine's own phases on the chain's run (stats.timingsMs), beside /v1/execute's. */
  chainEngineTimings?: Record<string, number>;
  executeFallbacks: Record<string, number>;
}

export interface ChainReport {
  date: string;
  machine: Machine;
  engine: string;
  options: { accounts: number; blocks: number; txs: number; swapShare: number; pools: number; seed: number };
  /** `created` false: a --dir store resumed, whose genesis was checked (ms), not built. */
  genesis: { accounts: number; ms: number; planMs: number; bytes: number; created?: boolean };
  /** The store's head when the run began (a resumed run's blocks start after it); 0 for a fresh store. */
  resumedAfter?: number;
  store: { bytesUsed: number; bytesOnDisk: number };
  rows: BlockRow[];
  mismatches: number;
  /** The machine's 5-minute load average when the run began and ended (other work shares the cores). */
  load: { before: number; after: number };
  wallS: number;
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const mean = (xs: number[]) => (xs.length ? sum(xs) / xs.length : 0);
const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : 0;
};
const f0 = (x: number) => Math.round(x).toLocaleString('en-US');
const f2 = (x: number) => x.toFixed(2);
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

/** Aggregates over the blocks after the first (which pays one-time costs: device, kernels, caches), and over all. */
export function summarise(r: ChainReport) {
  const steady = r.rows.slice(1);
  const rows = steady.length ? steady : r.rows;
  const chainMs = rows.map((x) => x.chainMs);
  const executeMs = rows.map((x) => x.executeMs);
  const by = (k: keyof BlockRow['chain']) => mean(rows.map((x) => x.chain[k]));
  const txs = sum(rows.map((x) => x.txs));
  return {
    blocks: rows.length,
    blocksPerS: rows.length / (sum(chainMs) / 1000),
    txPerS: txs / (sum(chainMs) / 1000),
    chainMean: mean(chainMs),
    chainMedian: median(chainMs),
    executeMean: mean(executeMs),
    executeMedian: median(executeMs),
    ratioOfSums: sum(chainMs) / sum(executeMs),
    ratioMedian: median(rows.map((x) => x.chainMs / x.executeMs)),
    preload: by('preload'),
    execute: by('execute'),
    onDemandReads: mean(rows.map((x) => x.readMs)),
    trie: by('trie'),
    header: by('header'),
    commit: by('commit'),
    http: mean(rows.map((x) => x.chainMs - x.chain.total)),
    loadsAccounts: mean(rows.map((x) => x.loads?.accounts ?? 0)),
    loadsSlots: mean(rows.map((x) => x.loads?.slots ?? 0)),
    preAccounts: mean(rows.map((x) => x.preloaded.accounts)),
    preSlots: mean(rows.map((x) => x.preloaded.slots)),
    fallbacks: tally(rows.map((x) => x.fallbacks)),
    executeFallbacks: tally(rows.map((x) => x.executeFallbacks)),
  };
}

function tally(xs: Record<string, number>[]): Record<string, number> {
  const o: Record<string, number> = {};
  for (const x of xs) for (const [k, v] of Object.entries(x)) o[k] = (o[k] ?? 0) + v;
  return o;
}

export function renderReport(r: ChainReport): string {
  const s = summarise(r);
  const m = r.machine;
  const target = 1.5;
  const verdict = s.ratioOfSums <= target ? `met (${f2(s.ratioOfSums)}×)` : `missed: ${f2(s.ratioOfSums)}×, ${f2(s.ratioOfSums / target)}× the target`;
  return `# Rollup co-processor benchmark

${r.date.slice(0, 10)}, ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, adapter: ${m.adapter ?? 'none'}${m.software ? ' (software: WGSL runs on the CPU)' : ''}.
Load average ${r.load.before.toFixed(1)} at the start and ${r.load.after.toFixed(1)} at the end (other jobs share the cores); the run took ${f0(r.wallS / 60)} min.
Engine \`${r.engine}\` on both routes. ${r.rows.length}${r.resumedAfter ? ` (blocks ${r.resumedAfter + 1}-${r.resumedAfter + r.rows.length}: the store was resumed after block ${r.resumedAfter})` : ''}${r.rows.length + (r.resumedAfter ?? 0) < r.options.blocks ? ` of the ${r.options.blocks} planned (stopped at the run's deadline)` : ''} blocks of ${r.options.txs} transactions (${Math.round(r.options.swapShare * 100)}% Uniswap swap transactions over ${r.options.pools} pools, the rest ERC-20 transfers), seed ${r.options.seed}.

**Genesis:** ${f0(r.genesis.accounts)} accounts (plus ${f0(Math.round(r.genesis.accounts / 5))}-odd token balances and the pools) ${r.genesis.created === false ? 'already in the store, checked' : 'built in the store'} in ${f0(r.genesis.ms / 1000)} s (the chain's plan: ${f2(r.genesis.planMs / 1000)} s); ${mib(r.genesis.bytes)} in use after it.
**Store after the run:** ${mib(r.store.bytesUsed)} in use, ${mib(r.store.bytesOnDisk)} on disk (${mib((r.store.bytesUsed - r.genesis.bytes) / Math.max(1, r.rows.length))} per block).
**Answers:** ${r.mismatches === 0 ? 'every block identical on both routes' : `${r.mismatches} blocks DIFFER`} (all fields but the state root, which /v1/execute computes over its partial pre-state).

Figures over blocks ${r.rows[1]?.number ?? '-'}-${r.rows.at(-1)?.number ?? '-'} (block ${r.rows[0]?.number ?? '-'}, the run's first, pays the one-time costs: ${f0(r.rows[0]?.chainMs ?? 0)} ms on the chain, ${f0(r.rows[0]?.executeMs ?? 0)} ms on /v1/execute).

| | |
| --- | --- |
| chain: blocks/s | ${f2(s.blocksPerS)} |
| chain: tx/s | ${f0(s.txPerS)} |
| POST /v1/chain/blocks, ms per block (mean / median) | ${f0(s.chainMean)} / ${f0(s.chainMedian)} |
| POST /v1/execute with the pre-state, ms per block (mean / median) | ${f0(s.executeMean)} / ${f0(s.executeMedian)} |
| chain / execute (sum of times; median of per-block ratios) | ${f2(s.ratioOfSums)}× ; ${f2(s.ratioMedian)}× |
| target: at most ${target}× | ${verdict} |

Where a block's time goes on the chain (mean ms per block):

| phase | ms |
| --- | --- |
| state loading before the run (preload: ${f0(s.preAccounts)} accounts, ${f0(s.preSlots)} slots) | ${f0(s.preload)} |
| execution (the engine), of which store reads on demand (${f0(s.loadsAccounts)} accounts, ${f0(s.loadsSlots)} slots) | ${f0(s.execute)}, ${f0(s.onDemandReads)} |
| trie update and state records | ${f0(s.trie)} |
| transactions root and block hash | ${f0(s.header)} |
| commit (one LMDB transaction, fsync) | ${f0(s.commit)} |
| HTTP: read, validate, parse the request, encode the answer | ${f0(s.http)} |

Transactions that left their speculative route (summed over the blocks; a run that read what the
preload missed is among them on the chain): chain ${JSON.stringify(s.fallbacks)}, /v1/execute ${JSON.stringify(s.executeFallbacks)}.
`;
}
