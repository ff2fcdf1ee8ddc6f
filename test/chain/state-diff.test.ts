import { describe, expect, it } from 'vitest';
import { computeStateDiff, type DiffSource } from '../../src/chain/state-diff.js';
import type { Account } from '../../src/model/shapes.js';
import { formatDiff, jsonCodec, msgpackCodec } from '../../src/wire/format.js';

const A = '0x' + '0a'.repeat(20);
const B = '0x' + '0b'.repeat(20);
const C = '0x' + '0c'.repeat(20);
const D = '0x' + '0d'.repeat(20);
const word = (v: bigint) => Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
const slot = (v: bigint) => '0x' + v.toString(16).padStart(64, '0');

const pre = new Map<string, Account>([
  [A, { balance: 10n, nonce: 1n, code: Uint8Array.of(0x60, 0), storage: new Map([[1n, 5n], [2n, 6n], [3n, 7n]]) }],
  [B, { balance: 3n, nonce: 0n, code: new Uint8Array(0), storage: new Map() }],
  [C, { balance: 4n, nonce: 2n, code: new Uint8Array(0), storage: new Map([[9n, 1n]]) }],
]);
type Post = { balance: bigint; nonce: bigint; code: Uint8Array; storage: Map<bigint, bigint> };
const post = new Map<string, Post>([
  // slot 1 cleared, slot 2 rewritten with its own value, slot 3 changed, slot 2^255 + 4 new.
  [A, { balance: 10n, nonce: 1n, code: Uint8Array.of(0x60, 0), storage: new Map([[2n, 6n], [3n, 8n], [(1n << 255n) + 4n, 1n]]) }],
  [B, { balance: 2n, nonce: 1n, code: new Uint8Array(0), storage: new Map() }],
  // C self-destructed; D created empty.
  [D, { balance: 0n, nonce: 0n, code: new Uint8Array(0), storage: new Map() }],
]);
const written = new Map<string, Set<bigint>>([[A, new Set([(1n << 255n) + 4n, 3n, 2n, 1n])], [B, new Set()], [C, new Set()], [D, new Set()]]);

const immediate: DiffSource = {
  written,
  account: (addr) => post.get(addr),
  storage: (addr, s) => post.get(addr)?.storage.get(s) ?? 0n,
};
const promised: DiffSource = {
  written,
  account: async (addr) => post.get(addr),
  storage: async (addr, s) => post.get(addr)?.storage.get(s) ?? 0n,
};

describe('computeStateDiff', () => {
  it('follows prestateTracer diffMode: changed fields and slots only, sorted, deleted and created accounts', async () => {
    const diff = await computeStateDiff(immediate, pre);
    expect(Object.keys(diff.pre)).toEqual([A, B, C]);
    expect(Object.keys(diff.post)).toEqual([A, B, D]);
    expect(diff.pre[A]).toEqual({ balance: 10n, nonce: 1n, code: Uint8Array.of(0x60, 0), storage: new Map([[1n, 5n], [3n, 7n]]) });
    expect(diff.post[A]).toEqual({ storage: new Map([[3n, 8n], [(1n << 255n) + 4n, 1n]]) });
    expect([...diff.post[A].storage!.keys()]).toEqual([3n, (1n << 255n) + 4n]);
    expect(diff.pre[B]).toEqual({ balance: 3n });
    expect(diff.post[B]).toEqual({ balance: 2n, nonce: 1n });
    expect(diff.pre[C]).toEqual({ balance: 4n, nonce: 2n, storage: new Map([[9n, 1n]]) });
    expect(diff.post[D]).toEqual({});
  });

  it('lists slots in ascending order whatever order they were written in', async () => {
    const many = [...Array(1000).keys()].map((i) => BigInt(i) * 7919n % 1000n + (i % 2 ? 1n << 200n : 0n));
    const source: DiffSource = { written: new Map([[B, new Set(many)]]), account: (addr) => post.get(addr), storage: (_, s) => s + 1n };
    const diff = await computeStateDiff(source, new Map([[B, pre.get(B)!]]));
    expect([...diff.post[B].storage!.keys()]).toEqual([...many].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('goes on the wire as 32-byte hex slots in that order, their values 32 bytes (JSON hex, msgpack binary)', async () => {
    const diff = await computeStateDiff(immediate, pre);
    const json = formatDiff(diff, jsonCodec);
    expect(json.post[A]).toEqual({ storage: { [slot(3n)]: slot(8n), [slot((1n << 255n) + 4n)]: slot(1n) } });
    expect(Object.keys(json.post[A].storage!)).toEqual([slot(3n), slot((1n << 255n) + 4n)]);
    expect(json.pre[A].storage).toEqual({ [slot(1n)]: slot(5n), [slot(3n)]: slot(7n) });
    const packed = formatDiff(diff, msgpackCodec);
    expect(packed.post[A].storage).toEqual({ [slot(3n)]: word(8n), [slot((1n << 255n) + 4n)]: word(1n) });
    expect(packed.pre[C].storage).toEqual({ [slot(9n)]: word(1n) });
  });

  it('reads the same through a source that answers with promises', async () => {
    expect(await computeStateDiff(promised, pre)).toEqual(await computeStateDiff(immediate, pre));
  });
});
