import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Chain } from '../../src/rollup/chain.js';
import { newApp } from '../server/helpers.js';
import { testRegistry } from '../support/registry.js';

/** The README's JSON-RPC example, pasted as a reader would, after its rollup examples' genesis and first block. */
function sectionBodies(title: string): { url: string; body?: string }[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf(title));
  const block = section.slice(section.indexOf('```sh') + 5, section.indexOf('```', section.indexOf('```sh') + 5));
  const commands: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('curl')) commands.push(line);
    else if (!line.startsWith('#') && commands.length > 0) commands[commands.length - 1] += `\n${line}`;
  }
  return commands.map((c) => ({ url: /curl -s '?localhost:8080([^' ]+)'?/.exec(c)![1], body: /-d '([\s\S]*)'\s*$/.exec(c)?.[1] }));
}

describe("the README's JSON-RPC example", () => {
  const dir = mkdtempSync(join(tmpdir(), 'evmgpu-rpc-readme-'));
  const registry = testRegistry({ runtime: { cpuWorkers: 1 }, openGpu: () => Promise.reject(new Error('no GPU in the JSON-RPC tests')) });
  const app = newApp({}, { registry, chain: new Chain({ dir, rollbackDepth: 8, stateCacheBytes: 1 << 20 }, registry) });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the block number and the balance the rollup example made', async () => {
    const [init, block] = sectionBodies('## Rollup co-processor mode');
    for (const s of [init, block]) {
      const res = await app.inject({ method: 'POST', url: s.url, payload: s.body, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode, res.body).toBe(200);
    }
    const [example] = sectionBodies('## Ethereum JSON-RPC and the Engine API');
    expect(example.url).toBe('/rpc');
    const res = await app.inject({ method: 'POST', url: '/rpc', payload: example.body, headers: { 'content-type': 'application/json' } });
    expect(res.json()).toEqual([{ jsonrpc: '2.0', id: 1, result: '0x1' }, { jsonrpc: '2.0', id: 2, result: '0x1' }]);
  });
});
