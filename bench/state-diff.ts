/**
 * The state diff alone (src/chain/state-diff.ts: computeStateDiff) on the shape of an
 * erc20-transfer batch: `--accounts` senders whose balance and nonce changed, and one
 * token with `--slots` changed balance slots (hashed keys, as Solidity mappings make).
 * Prints the time of each repetition in ms; the first ones warm the JIT up.
 *
 *   npx tsx --max-semi-space-size=64 bench/state-diff.ts [--accounts 10000] [--slots 20000] [--reps 8]
 */
import { parseArgs } from 'node:util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { computeStateDiff, type DiffSource } from '../src/chain/state-diff.js';
import type { Account } from '../src/model/shapes.js';

const { values } = parseArgs({ options: { accounts: { type: 'string', default: '10000' }, slots: { type: 'string', default: '20000' }, reps: { type: 'string', default: '8' } } });
const [accounts, slots, reps] = [values.accounts, values.slots, values.reps].map(Number);

const hashOf = (label: string, i: number) => Buffer.from(keccak_256(new TextEncoder().encode(`${label}${i}`)));
type After = { balance: bigint; nonce: bigint; code: Uint8Array; storage: Map<bigint, bigint> };
const pre = new Map<string, Account>();
const post = new Map<string, After>();
const written = new Map<string, Set<bigint>>();

const token = `0x${'ee'.repeat(20)}`;
const code = new Uint8Array(100).fill(0x5b);
const before = new Map<bigint, bigint>();
const after = new Map<bigint, bigint>();
for (let i = 0; i < slots; i++) {
  const slot = BigInt(`0x${hashOf('slot', i).toString('hex')}`);
  before.set(slot, 1_000_000n + BigInt(i));
  after.set(slot, 999_999n + BigInt(i));
}
pre.set(token, { balance: 0n, nonce: 1n, code, storage: before });
post.set(token, { balance: 0n, nonce: 1n, code, storage: after });
written.set(token, new Set(before.keys()));
for (let i = 0; i < accounts; i++) {
  const address = `0x${hashOf('sender', i).subarray(12).toString('hex')}`;
  pre.set(address, { balance: 10n ** 18n, nonce: 0n, code: new Uint8Array(0), storage: new Map() });
  post.set(address, { balance: 10n ** 18n - 21_000n, nonce: 1n, code: new Uint8Array(0), storage: new Map() });
  written.set(address, new Set());
}

const source: DiffSource = { written, account: (a) => post.get(a), storage: (a, s) => post.get(a)?.storage.get(s) ?? 0n };
for (let r = 0; r < reps; r++) {
  const t = performance.now();
  await computeStateDiff(source, pre);
  console.log(`${(performance.now() - t).toFixed(1)} ms`);
}
