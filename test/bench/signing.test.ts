import { describe, expect, it } from 'vitest';
import { ReferenceEngine } from '../../src/engine/reference.js';
import { parseBatch } from '../../src/wire/parse.js';
import { validateBatch } from '../../src/wire/validate.js';
import { keyOf, sender, senderKey } from '../../bench/signing/keys.js';
import { workloadCases, WORKLOADS } from '../../bench/workloads/index.js';
import { comparable } from '../../src/engine/compare.js';
import { runSuite } from '../../bench/suite/run.js';
import type { BatchResult } from '../../src/model/shapes.js';
import { fixturePath } from '../support/fixtures.js';

const reference = new ReferenceEngine();

/** The signed form reports hashes the unsigned form has not: everything else must agree. */
function withoutHashes(r: BatchResult): string {
  return JSON.stringify(comparable({ ...r, results: r.results.map(({ hash: _hash, ...t }) => t) }));
}

describe('bench signing layer', () => {
  it('derives a fixed key and address per (tag, index), and knows the key of every sender it made', () => {
    const a = sender(0x5e, 3);
    expect(sender(0x5e, 3)).toBe(a);
    expect(sender(0x5e, 4)).not.toBe(a);
    expect(Buffer.from(keyOf(a)).equals(Buffer.from(senderKey(0x5e, 3)))).toBe(true);
    expect(() => keyOf('0x00000000000000000000000000000000000000aa')).toThrow(/no signing key/);
  });

  it.each([...WORKLOADS])('%s: the signed batch recovers the same senders and has the same effects', async (workload) => {
    const [c] = [...workloadCases(workload, { sizes: [12], seed: 2, quickBlocks: 1, mainnetDir: fixturePath('mainnet-blocks') })];
    const signed = c.signed();
    validateBatch(signed);
    expect(signed.txs.every((t) => 'raw' in t)).toBe(true);
    const [plain, raw] = [await reference.execute(parseBatch(c.batch)), await reference.execute(parseBatch(signed))];
    expect(raw.rejected).toEqual([]);
    expect(raw.results.map((t) => t.hash !== undefined)).toEqual(raw.results.map(() => true));
    expect(withoutHashes(raw)).toBe(withoutHashes(plain));
  });

  it('--signed gives our engines the raw form, checked against the reference on the same form', async () => {
    const report = await runSuite({ workloads: ['erc20-transfer'], sizes: [6], engines: ['reference', 'auto'], repeat: 1, seed: 1, signed: true });
    expect(report.transactions.ourEngines).toBe('signed');
    expect(report.transactions.signatures.count).toBeGreaterThanOrEqual(6);
    expect(report.rows.map((r) => [r.engine, r.correct, r.error])).toEqual([['reference', true, undefined], ['auto', true, undefined]]);
  });
});
