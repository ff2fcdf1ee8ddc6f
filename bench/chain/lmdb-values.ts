import { open, type Database } from 'lmdb';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunks } from '../../src/rollup/chunked.js';
import { numberKey } from '../../src/rollup/records.js';

/**
 * What a block's transaction costs LMDB on a chain store, by what it holds: the measurement
 * behind src/rollup/chunked.ts and trailing.ts. On a copy of a store (a chain bench's
 * `--dir` after its genesis: a million accounts), each round is one batch transaction of
 *
 *   state   1,400 account records and 2,400 slots at random existing keys (a 1,000-transaction block's flat state)
 *   whole   one 1.5 MB value (a block record) under one key
 *   pieces  the same 1.5 MB in values of chunked.ts's size
 *
 * and prints the time to its commit and flush. One kind per run: a transaction of one
 * kind changes what the next pays (after a `whole` or `state` one, a `pieces` one took
 * 150-300 ms instead of 45-75), so each kind runs on its own copy of the store.
 *
 *   for k in state whole pieces; do npx tsx bench/chain/lmdb-values.ts --store <dir> --kind $k; done
 */
const args = process.argv.slice(2);
const arg = (name: string, d?: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : d;
};
const source = arg('store');
if (!source) throw new Error('--store <dir>: a chain store to copy');
const rounds = Number(arg('rounds', '6'));
const kind = arg('kind') ?? '';

type Bin = Database<Uint8Array, Buffer>;
const dir = mkdtempSync(join(tmpdir(), 'evmgpu-lmdb-values-'));
cpSync(source, dir, { recursive: true });
rmSync(join(dir, 'chain.lock'), { force: true });
// The copy's pages reach the disk first: otherwise each commit's flush waits behind them.
execFileSync('sync');
const env = open({ path: dir, maxDbs: 16 });
const bin = (name: string): Bin => env.openDB({ name, keyEncoding: 'binary', encoding: 'binary' });
const [accounts, storage, blocks] = [bin('accounts'), bin('storage'), bin('blocks')];
const accountKeys = [...accounts.getKeys({ limit: 1_000_000 })].map((k) => Buffer.from(k as Buffer));
const slotKeys = [...storage.getKeys({ limit: 300_000 })].map((k) => Buffer.from(k as Buffer));
const pick = (keys: Buffer[], n: number) => Array.from({ length: n }, () => keys[Math.floor(Math.random() * keys.length)]);
process.stderr.write(`store ${source}: ${accountKeys.length} account keys, ${slotKeys.length} slot keys read\n`);

const RECORD = 1_500_000;
const kinds = {
  state: () => {
    for (const k of pick(accountKeys, 1_400)) accounts.put(k, randomBytes(70));
    for (const k of pick(slotKeys, 2_400)) storage.put(k, randomBytes(32));
  },
  whole: (round: number) => blocks.put(Buffer.from(numberKey(1_000_000n + BigInt(round))), randomBytes(RECORD)),
  pieces: (round: number) => {
    for (const [k, v] of chunks(numberKey(2_000_000n + BigInt(round)), randomBytes(RECORD))) blocks.put(k, v);
  },
};
const write = kinds[kind as keyof typeof kinds];
if (!write) throw new Error(`--kind: one of ${Object.keys(kinds).join(', ')}`);
const ms: number[] = [];
for (let round = 0; round < rounds; round++) {
  const t = performance.now();
  await env.batch(() => write(round));
  await env.flushed;
  ms.push(Math.round(performance.now() - t));
}
console.log(`${kind.padEnd(7)} ms per transaction: ${ms.join(', ')}`);
await env.close();
rmSync(dir, { recursive: true, force: true });
