import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Chain } from '../../src/rollup/chain.js';
import { testRegistry } from '../support/registry.js';

/** These test the API: engine auto runs without a device (its CPU routes), so no test pays for opening one. */
const NO_GPU = () => Promise.reject(new Error('no GPU in the API tests'));
import { newApp } from './helpers.js';

/** The README's rollup examples, copied as a reader would paste them, run in order against a fresh chain. */
function examples(): { url: string; body?: string }[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Rollup co-processor mode'));
  const block = section.slice(section.indexOf('```sh') + 5, section.indexOf('```', section.indexOf('```sh') + 5));
  const commands: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('curl')) commands.push(line);
    else if (!line.startsWith('#') && commands.length > 0) commands[commands.length - 1] += `\n${line}`;
  }
  return commands.map((c) => {
    const url = /curl -s '?localhost:8080([^' ]+)'?/.exec(c)![1];
    const body = /-d '([\s\S]*)'\s*$/.exec(c)?.[1];
    return { url, body };
  });
}

describe("the README's rollup examples", () => {
  const dir = mkdtempSync(join(tmpdir(), 'evmgpu-readme-'));
  const registry = testRegistry({ runtime: { cpuWorkers: 1 }, openGpu: NO_GPU });
  const app = newApp({}, { registry, chain: new Chain({ dir, rollbackDepth: 8, stateCacheBytes: 1 << 20 }, registry) });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('initialise, post a block, read an account and the head, roll back: every one answers 200', async () => {
    const steps = examples();
    expect(steps.map((s) => s.url.split('?')[0])).toEqual(['/v1/chain/init', '/v1/chain/blocks', '/v1/chain/accounts/0x00000000000000000000000000000000000000bb', '/v1/chain/head', '/v1/chain/rollback']);
    const answers = [];
    for (const s of steps) {
      const res = await app.inject({ method: s.body ? 'POST' : 'GET', url: s.url, ...(s.body ? { payload: s.body, headers: { 'content-type': 'application/json' } } : {}) });
      expect(res.statusCode, `${s.url}: ${res.body}`).toBe(200);
      answers.push(res.json());
    }
    expect(answers[1].results[0].status).toBe('0x1');
    expect(answers[2].balance).toBe('0x1');
    expect(answers[3].number).toBe('0x1');
    expect(answers[4].number).toBe('0x0');
  });
});
