import { describe, expect, it } from 'vitest';
import { ReferenceEngine } from '../../src/engine/reference.js';
import type { BatchResult } from '../../src/model/shapes.js';
import { parseBatch } from '../../src/wire/parse.js';
import { wordToHex } from '../../src/primitives/hex.js';
import { peer, PeerMismatch } from '../../bench/peers/index.js';
import { signedBatch } from '../../bench/signing/sign.js';
import { recordedSignedBatch } from '../../bench/signing/recorded.js';
import { workloadCases } from '../../bench/workloads/index.js';
import { mainnetCases } from '../../bench/workloads/mainnet.js';
import { fixturePath } from '../support/fixtures.js';

/** The EDR peer runs signed batches and refuses to report a figure when its outcome differs from the reference's. */
const edr = peer('edr')!;
const reference = new ReferenceEngine();

async function prepared(workload: string) {
  const [c] = [...workloadCases(workload, { sizes: [6], seed: 4 })];
  const signed = signedBatch(c.batch);
  return { c, signed, expected: await reference.execute(parseBatch(c.batch)) };
}

describe('EDR peer', () => {
  it.each(['erc20-transfer', 'uniswap-hot', 'compute', 'mixed'])('%s: mines every transaction with the reference\'s receipts and state', async (workload) => {
    const { signed, expected } = await prepared(workload);
    const run = await edr.run(signed, expected);
    expect(run.gasUsed).toBe(expected.gasUsed);
    expect(run.failedTxs).toBe(0);
    expect(Object.keys(run.phasesMs)).toEqual(['submit', 'mine', 'receipts']);
    expect(run.ms).toBeGreaterThan(0);
  });

  it('a receipt whose gas differs from the reference fails the run', async () => {
    const { signed, expected } = await prepared('erc20-transfer');
    const off: BatchResult = { ...expected, results: expected.results.map((t, i) => (i === 3 ? { ...t, gasUsed: t.gasUsed + 1n } : t)) };
    await expect(edr.run(signed, off)).rejects.toThrow(PeerMismatch);
    await expect(edr.run(signed, off)).rejects.toThrow(/tx 3: gasUsed/);
  });

  it('a final storage value that differs from the reference fails the run', async () => {
    const { signed, expected } = await prepared('erc20-transfer');
    const [token, account] = Object.entries(expected.stateDiff.post).find(([, a]) => a.storage !== undefined)!;
    const slot = [...account.storage!.keys()][0];
    const post = { ...expected.stateDiff.post, [token]: { ...account, storage: new Map([...account.storage!, [slot, 9n]]) } };
    await expect(edr.run(signed, { ...expected, stateDiff: { ...expected.stateDiff, post } })).rejects.toThrow(new RegExp(`slot ${wordToHex(slot)}`));
  });

  it('refuses unsigned transactions', async () => {
    const { c, expected } = await prepared('native-transfer');
    await expect(edr.run(c.batch, expected)).rejects.toThrow(/not signed/);
  });

  it('says, from the batch alone, when it cannot run one', async () => {
    const { c } = await prepared('native-transfer');
    expect(edr.cannotRun(c.batch)).toBeUndefined();
    expect(edr.cannotRun({ ...c.batch, fork: 'London' })).toMatch(/before the merge/);
    const [first] = c.batch.txs as { from: string }[];
    const poor = { ...c.batch, pre: { ...c.batch.pre, [first.from]: { balance: '0x1' as const, nonce: '0x0' as const } } };
    expect(edr.cannotRun(poor)).toMatch(/^tx 0's sender can pay its upfront cost only after/);
    const blob = { ...c.batch, txs: [{ ...c.batch.txs[0], type: '0x3' as const }] };
    expect(edr.cannotRun(blob)).toMatch(/^tx 0 is a blob transaction/);
    // A block over EIP-7934's 8 MiB of RLP: EDR's miner refuses it.
    const signed = c.signed();
    expect(edr.cannotRun(c.batch, signed)).toBeUndefined();
    const big = { ...signed, txs: [0, 1].map(() => ({ raw: `0x${'ab'.repeat(4_200_000)}` as const })) };
    expect(edr.cannotRun(c.batch, big)).toMatch(/^its 2 signed transactions are 8400000 bytes: EDR mines the batch as one block and refuses/);
  });

  it('runs a recorded mainnet block with its recorded signatures', async () => {
    const [c] = mainnetCases({ dir: fixturePath('mainnet-blocks') }).filter((m) => m.block === 19_426_587n);
    expect(edr.cannotRun(c.batch)).toBeUndefined();
    const expected = await reference.execute(parseBatch(c.batch));
    const run = await edr.run(recordedSignedBatch(c.dir, c.batch), expected);
    expect(run.gasUsed).toBe(expected.gasUsed);
  });
});
