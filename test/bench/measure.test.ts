import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { ReferenceEngine } from '../../src/engine/reference.js';
import { runChecked, toRow, type Measured } from '../../bench/suite/measure.js';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';

/** A fast wrong answer must never become a figure: a differing result fails its row. */
const reference = new ReferenceEngine();
const wire = erc20TransferBatch({ transfers: 3 });
const info = { workload: 'erc20-transfer', label: '3', size: 3, txs: 3 };

const wrong: Engine = {
  name: 'wrong',
  description: 'the reference with one gas figure off',
  async execute(batch) {
    const r = await reference.execute(batch);
    return { ...r, gasUsed: r.gasUsed + 1n };
  },
};

const throwing: Engine = { name: 'throwing', description: 'always fails', execute: () => Promise.reject(new Error('boom')) };

describe('checked runs', () => {
  it('a result identical to the reference gives a correct row with a ratio', async () => {
    const ref: Measured = { runs: [] };
    const oracle = (await runChecked(reference, wire, undefined, ref))?.text;
    const again: Measured = { runs: [] };
    await runChecked(reference, wire, oracle, again);
    const row = toRow(info, 'again', 'reference', again, 10);
    expect(row.correct).toBe(true);
    expect(row.ratioVsReference).toBeGreaterThan(0);
    expect(row.failedTxs).toBe(0);
  });

  it('a differing result fails the row and names where it differs', async () => {
    const oracle = (await runChecked(reference, wire, undefined, { runs: [] }))?.text;
    const m: Measured = { runs: [] };
    await runChecked(wrong, wire, oracle, m);
    const row = toRow(info, 'wrong', 'wrong', m, 10);
    expect(row.correct).toBe(false);
    expect(row.error).toMatch(/^result not identical to the reference: gasUsed: expected "0x[0-9a-f]+", got "0x[0-9a-f]+"/);
  });

  it('an engine that throws fails the row, and later repeats are skipped', async () => {
    const m: Measured = { runs: [] };
    await runChecked(throwing, wire, 'x', m);
    await runChecked(throwing, wire, 'x', m);
    const row = toRow(info, 'throwing', 'throwing', m, 10);
    expect(row.correct).toBe(false);
    expect(row.error).toBe('threw: boom');
    expect(row.repeats).toBe(0);
  });
});
