import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { erc20TransferBatch } from '../../bench/workloads/erc20.js';
import { engineNeutral, referenceResult } from '../server/helpers.js';
import { spawnService } from '../support/child-service.js';
import { assembleImage, instructions } from '../support/image-tree.js';

/**
 * The Docker image runs what the service loads: its file tree is assembled from the
 * Dockerfile's COPY lines (test/support/image-tree.ts: no Docker, no base image), the
 * service is started from it as the image's CMD starts it, and executes a batch on
 * `auto` and on `gpu`, which read the WGSL of kernels/ and shaders/ at run time.
 */
const ROOT = join(import.meta.dirname, '../..');

function startService(cwd: string, cmd: string[], env: Record<string, string>) {
  const [node, ...args] = cmd;
  if (node !== 'node') throw new Error(`CMD starts ${node}, not node`);
  const scratch = mkdtempSync(join(tmpdir(), 'evmgpu-image-run-'));
  // A cold GPU's kernels compile in the first batch: a minute and more on a busy lavapipe, past the default deadline.
  // Load shedding off: the GPU warm-up compiling beside CI's other tests delayed the event
  // loop past its bound once (503 OVERLOADED), which says nothing about the image's files.
  return spawnService([...args, '--host', '127.0.0.1', '--port', '0', '--log-level', 'info', '--max-batch-ms', '600000', '--max-event-loop-delay', '0'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: scratch, ...env, XDG_RUNTIME_DIR: scratch, EVMGPU_CACHE_DIR: join(scratch, 'cache') },
  });
}

describe('the Docker image file tree', () => {
  it('holds what the service loads: started from it, it executes a batch on gpu and on auto', async () => {
    const image = assembleImage(ROOT);
    onTestFinished(() => rmSync(image.base, { recursive: true, force: true }));
    for (const dir of ['dist/src/cli/main.js', 'kernels', 'shaders', 'package.json', 'node_modules']) expect(existsSync(join(image.root, dir)), dir).toBe(true);
    const service = startService(image.root, image.cmd, image.env);
    try {
      const url = await service.listening;
      const batch = erc20TransferBatch({ transfers: 8, seed: 3 });
      const want = await referenceResult(batch);
      // `gpu` first: it waits for the kernels, which `auto` shares; `auto` would take the CPU routes while they are made.
      for (const engine of ['gpu', 'auto']) {
        const res = await fetch(`${url}/v1/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...batch, options: { engine } }) });
        const body = (await res.json()) as { results: { engine: string }[] };
        expect(res.status, JSON.stringify(body).slice(0, 500)).toBe(200);
        expect(engineNeutral(body as never)).toEqual(want);
        // Run on the GPU: the kernels were found in the image.
        expect(body.results.every((r) => r.engine === 'gpu'), `${engine}: ${body.results.map((r) => r.engine)}`).toBe(true);
      }
      expect(((await (await fetch(`${url}/healthz`)).json()) as { gpu: string }).gpu).toBe('ready');
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
    } finally {
      service.child.kill('SIGKILL');
    }
  }, 600_000);

  it('refuses what it cannot emulate, so a Dockerfile change cannot slip past', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evmgpu-dockerfile-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'Dockerfile');
    writeFileSync(file, 'FROM node:20 AS build\nWORKDIR /app\nRUN curl -o x https://example.com/x\n');
    expect(() => assembleImage(ROOT, file)).toThrow(/cannot emulate RUN step 'curl/);
    writeFileSync(file, 'FROM node:20\nWORKDIR /app\nCOPY no-such-folder ./x\n');
    expect(() => assembleImage(ROOT, file)).toThrow(/COPY source missing: no-such-folder/);
    expect(instructions('FROM a AS b\n# c\nRUN x \\\n  && y\n')).toEqual([{ op: 'FROM', args: 'a AS b' }, { op: 'RUN', args: 'x    && y' }]);
  });
});
