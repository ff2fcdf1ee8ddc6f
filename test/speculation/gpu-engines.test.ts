import { afterAll, describe, expect, it } from 'vitest';
import { EngineRegistry } from '../../src/registry/registry.js';
import { testRegistry } from '../support/registry.js';
import { comparable } from '../../src/engine/compare.js';
import { parseBatch } from '../../src/wire/parse.js';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';

const registry = testRegistry();
afterAll(() => registry.close());

describe('engines gpu and gpu-interpreter', () => {
  it('are registered, and answer what the reference answers on ERC-20 transfers', async () => {
    expect(registry.names()).toEqual(expect.arrayContaining(['gpu', 'gpu-interpreter']));
    const batch = () => parseBatch(erc20TransferBatch({ transfers: 48, seed: 7 }));
    const want = comparable(await registry.get('reference').execute(batch()));
    for (const name of ['gpu-interpreter', 'gpu', 'gpu']) {
      const r = await registry.get(name).execute(batch());
      expect(r.stats.engine).toBe(name);
      expect(r.stats.engines).toEqual({ gpu: 48 });
      expect(comparable(r)).toEqual(want);
    }
  });
});
