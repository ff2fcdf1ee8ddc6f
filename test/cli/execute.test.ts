import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run as execute } from '../../src/cli/commands/execute.js';
import { ReferenceEngine } from '../../src/engine/reference.js';
import { engineNeutral } from '../server/helpers.js';
import type { WireBatch } from '../../src/model/shapes.js';
import { formatResult, jsonCodec } from '../../src/wire/format.js';
import { parseBatch } from '../../src/wire/parse.js';

const A = '0x00000000000000000000000000000000000000aa';
const B = '0x00000000000000000000000000000000000000bb';
const batch: WireBatch = {
  fork: 'Prague',
  env: { number: '0x1', timestamp: '0x3e8', coinbase: '0x0000000000000000000000000000000000000c0b', gasLimit: '0x1c9c380', baseFee: '0x7', chainId: '0x1' },
  pre: { [A]: { balance: '0xde0b6b3a7640000', nonce: '0x0' } },
  txs: [
    { from: A, to: B, nonce: '0x0', gas: '0x5208', maxFeePerGas: '0xa', maxPriorityFeePerGas: '0x1', value: '0x1' },
    { from: A, to: B, nonce: '0x5', gas: '0x5208', maxFeePerGas: '0xa', maxPriorityFeePerGas: '0x1', value: '0x1' },
  ],
};

function capture() {
  const err: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  return { err, restore: () => spy.mockRestore() };
}

describe('evmgpu execute', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evmgpu-exec-'));

  it('writes what the API would answer: the reference result in wire form', async () => {
    const input = join(dir, 'batch.json');
    const out = join(dir, 'result.json');
    writeFileSync(input, JSON.stringify(batch));
    expect(await execute([input, '--out', out])).toBe(0);
    const got = JSON.parse(readFileSync(out, 'utf8'));
    const want = formatResult(await new ReferenceEngine().execute(parseBatch(batch)), jsonCodec);
    expect(engineNeutral(got)).toEqual(engineNeutral(JSON.parse(JSON.stringify(want))));
    expect(got.stats.engine).toBe('auto');
    expect(got.results).toHaveLength(1);
    expect(got.results[0]).toMatchObject({ status: '0x1', gasUsed: '0x5208', engine: 'host' });
    expect(got.rejected).toEqual([{ index: 1, code: 'TX_NONCE_TOO_HIGH', error: expect.any(String) }]);
    expect(got.stateDiff.post[B]).toEqual({ balance: '0x1' });
  });

  it('prints the coded error body and exits 1 on an invalid batch', async () => {
    const input = join(dir, 'bad.json');
    writeFileSync(input, JSON.stringify({ ...batch, fork: 'Atlantis' }));
    const c = capture();
    const code = await execute([input]).finally(c.restore);
    expect(code).toBe(1);
    expect(JSON.parse(c.err[0])).toMatchObject({ error: { code: 'UNKNOWN_FORK' } });
  });

  it('exits 1 with INVALID_JSON on a file that is not JSON, 2 on a missing file', async () => {
    const input = join(dir, 'garbage.json');
    writeFileSync(input, '{"fork":');
    let c = capture();
    expect(await execute([input]).finally(c.restore)).toBe(1);
    expect(JSON.parse(c.err[0])).toMatchObject({ error: { code: 'INVALID_JSON' } });
    c = capture();
    expect(await execute([join(dir, 'absent.json')]).finally(c.restore)).toBe(2);
  });
});
