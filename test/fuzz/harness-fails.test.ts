import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { account, quantity } from '../../bench/workloads/common.js';
import type { Engine } from '../../src/engine/engine.js';
import type { EngineRegistry } from '../../src/registry/registry.js';
import { ReferenceEngine } from '../../src/engine/reference.js';
import type { Batch, BatchResult, Hex, UnsignedTxShape, WireBatch } from '../../src/model/shapes.js';
import { parseBatch } from '../../src/wire/parse.js';
import { comparable, firstDifference } from '../../src/engine/compare.js';
import { COUNTER, COUNTER_MODE, counterCall } from './contracts.js';
import { selectEngines, type EngineSelection } from './engines.js';
import { generateBatch } from './generator.js';
import { checkCase, differs, formatMismatch } from './harness.js';

/**
 * The harness must be able to fail: engines that corrupt one byte of an otherwise
 * correct (reference) result are caught, located and shrunk to a minimal batch; and
 * an engine that differs only in what may differ (engine labels, stats) is not.
 */
class Corrupting implements Engine {
  readonly description = 'the reference, with one deliberate corruption';
  private readonly inner = new ReferenceEngine();
  constructor(readonly name: string, private readonly corrupt: (r: BatchResult) => void) {}
  async execute(batch: Batch): Promise<BatchResult> {
    const r = await this.inner.execute(batch);
    this.corrupt(r);
    return r;
  }
}

const flipLast = (b: Uint8Array) => {
  const c = Uint8Array.from(b);
  c[c.length - 1] ^= 0x01;
  return c;
};
const isCounter = (a: Uint8Array) => `0x${Buffer.from(a).toString('hex')}` === COUNTER;

/**
 * Slot 7 of the counter: the generator never uses it (hot slots are 0-2, fresh ones from
 * 100), so only the call spliced in below triggers the corruptions, and the shrunk batch
 * must be exactly that call.
 */
const MARKED_SLOT = 7n;
const markedTopic = `0x${MARKED_SLOT.toString(16).padStart(64, '0')}`;

/** The counter's log data (s[otherSlot]) gets its last byte flipped, for logs about the marked slot. */
const logFlipper = new Corrupting('corrupt-log', (r) => {
  for (const t of r.results) {
    for (const l of t.logs) if (isCounter(l.address) && `0x${Buffer.from(l.topics[0]).toString('hex')}` === markedTopic) l.data = flipLast(l.data);
  }
});
/** The marked slot's new value is off by one bit in the state diff. */
const storageFlipper = new Corrupting('corrupt-storage', (r) => {
  const storage = r.stateDiff.post[COUNTER]?.storage;
  const slot = BigInt(markedTopic);
  const value = storage?.get(slot);
  if (value !== undefined) storage!.set(slot, value ^ 1n);
});
/** Different labels and stats only: must compare equal. */
const relabel = new Corrupting('relabel', (r) => {
  for (const t of r.results) t.engine = 'somewhere-else';
  r.stats = { ...r.stats, engine: 'relabel', engines: { elsewhere: r.results.length }, timingsMs: { all: 1 } };
});

const oracle = new ReferenceEngine();
// The shrunk batches these deliberate mismatches write are removed afterwards.
const outDir = mkdtempSync(join(tmpdir(), 'evmgpu-fuzz-selftest-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
const selection = (...engines: Engine[]): EngineSelection => ({ oracle, compared: engines.map((e) => ({ label: e.name, engine: e })), aliasesOfReference: [] });

/** A generated batch with one counter call from a fresh sender spliced into its middle: the one transaction a corruption needs. */
const SENDER: Hex = account(0xbad, 1);
function batchWithCounterCall(): WireBatch {
  const w = generateBatch({ seed: 0xc0ffee, fork: 'Prague', size: 40, conflict: 0.5 });
  w.pre[SENDER] = { balance: quantity(10n ** 18n), nonce: '0x0' };
  const call: UnsignedTxShape<Hex, Hex> = { from: SENDER, to: COUNTER, nonce: '0x0', gas: quantity(150_000), maxFeePerGas: quantity(1000), maxPriorityFeePerGas: '0x1', value: '0x0', data: counterCall(MARKED_SLOT, 5n, 1n, COUNTER_MODE.Return) };
  w.txs.splice(Math.floor(w.txs.length / 2), 0, call);
  return w;
}

describe('the differential harness fails when it should', () => {
  it('catches a flipped byte of a log, names the field, and shrinks the batch to that one transaction', async () => {
    const w = batchWithCounterCall();
    const { mismatches } = await checkCase(w, selection(logFlipper), { label: 'selftest-log', outDir });
    expect(mismatches).toHaveLength(1);
    const [m] = mismatches;
    expect(m.engine).toBe('corrupt-log');
    expect(m.diff.path).toMatch(/^results\[\d+\]\.logs\[0\]\.data$/);
    expect(m.from.txs).toBe(w.txs.length);
    // The corruption needs only a counter call that logs, its sender and the counter.
    expect(m.shrunk.txs).toHaveLength(1);
    expect(m.shrunk.txs).toEqual([expect.objectContaining({ from: SENDER, to: COUNTER })]);
    expect(Object.keys(m.shrunk.pre).sort()).toEqual([COUNTER, SENDER].sort());
    expect(m.shrunkDiff.path).toBe('results[0].logs[0].data');

    // The written file is the shrunk batch, and it still reproduces the mismatch.
    expect(existsSync(m.file)).toBe(true);
    const replay = JSON.parse(readFileSync(m.file, 'utf8')) as WireBatch;
    expect(replay).toEqual({ ...m.shrunk, options: { ...m.shrunk.options, engine: 'corrupt-log' } });
    expect((await differs(oracle, logFlipper, replay))?.path).toBe('results[0].logs[0].data');

    const report = formatMismatch('seed 0x00c0ffee', m);
    expect(report).toContain('MISMATCH seed 0x00c0ffee engine=corrupt-log');
    expect(report).toContain(`replay: node --import tsx src/cli/main.ts execute ${m.file} --engine corrupt-log`);
    expect(report).toContain(JSON.stringify(m.shrunk));
  });

  it('catches a flipped storage value in the state diff and shrinks it', async () => {
    const { mismatches } = await checkCase(batchWithCounterCall(), selection(storageFlipper, relabel), { label: 'selftest-storage', outDir });
    expect(mismatches.map((m) => m.engine)).toEqual(['corrupt-storage']);
    const [m] = mismatches;
    expect(m.diff.path).toBe(`stateDiff.post["${COUNTER}"].storage["${markedTopic}"]`);
    expect(m.shrunk.txs).toEqual([expect.objectContaining({ from: SENDER, to: COUNTER })]);
    expect(m.shrunkDiff.path).toBe(m.diff.path);
  });

  it('reports an engine that throws as a mismatch, unshrunk once the run\'s shrink quota is spent', async () => {
    const thrower: Engine = { name: 'throws', description: 'fails every batch', execute: () => Promise.reject(new Error('boom')) };
    const w = batchWithCounterCall();
    const quota = new Map([['throws', 0]]);
    const { mismatches } = await checkCase(w, selection(thrower), { label: 'selftest-throw', quota, outDir });
    expect(mismatches).toHaveLength(1);
    const [m] = mismatches;
    expect(m.diff.path).toBe('(execute threw)');
    expect(String(m.diff.actual)).toContain('boom');
    expect(m.shrunkAtAll).toBe(false);
    expect(m.shrunk).toEqual(w);
    expect(JSON.parse(readFileSync(m.file, 'utf8'))).toEqual({ ...w, options: { ...w.options, engine: 'throws' } });
    expect(formatMismatch('seed 0x1', m)).toContain('not shrunk');
  });
});

describe('field comparison', () => {
  it('ignores only the engine labels and stats', async () => {
    const w = batchWithCounterCall();
    const r = await oracle.execute(parseBatch(w));
    const base = comparable(r);
    expect(firstDifference(base, comparable({ ...r, results: r.results.map((t) => ({ ...t, engine: 'x' })), stats: { ...r.stats, txs: -1 } }))).toBeUndefined();
    const moreGas = { ...r, gasUsed: r.gasUsed + 1n };
    expect(firstDifference(base, comparable(moreGas))).toEqual({ path: 'gasUsed', expected: quantity(r.gasUsed), actual: quantity(r.gasUsed + 1n) });
    const noRoot = { ...r, stateRoot: null };
    expect(firstDifference(base, comparable(noRoot))?.path).toBe('stateRoot');
    const dropped = { ...r, rejected: r.rejected.slice(1) };
    if (r.rejected.length > 0) expect(firstDifference(base, comparable(dropped))?.path).toMatch(/^rejected/);
  });

  it('counts map key order, as the JSON bytes would differ', () => {
    expect(firstDifference({ a: 1, b: 2 }, { b: 2, a: 1 })?.path).toBe('$ (key order)');
    expect(firstDifference({ a: [1, 2] }, { a: [1, 2, 3] })?.path).toBe('a.length');
    expect(firstDifference({ a: { x: '0x1' } }, { a: {} })).toEqual({ path: 'a.x', expected: '0x1', actual: undefined });
  });

  it('takes every registry engine but the reference, and treats names resolving to the reference as its aliases', () => {
    const ref = new ReferenceEngine();
    const a: Engine = { name: 'a', description: '', execute: () => Promise.reject(new Error('unused')) };
    const engines: Record<string, Engine> = { reference: ref, gpu: a, 'gpu-alias': a, auto: ref, cpu: logFlipper };
    const registry = { names: () => Object.keys(engines), get: (n: string) => engines[n] } as unknown as EngineRegistry;
    const s = selectEngines(registry);
    expect(s.oracle).toBe(ref);
    expect(s.compared.map((c) => c.label)).toEqual(['gpu=gpu-alias', 'cpu']);
    expect(s.aliasesOfReference).toEqual(['auto']);
    expect(selectEngines(registry, ['cpu']).compared.map((c) => c.label)).toEqual(['cpu']);
  });
});
