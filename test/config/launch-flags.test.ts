import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const read = (f: string) => readFileSync(join(root, f), 'utf8');
const FLAG = /--max-semi-space-size=(\d+)/;

/**
 * The service's young generation: every way of starting it (npm start, the bin, the
 * image) and the benches (the suite, the chain's), which measure what the service runs,
 * pass the same semi-space size (docs/architecture.md, "The process").
 */
describe('the launch flags', () => {
  it('give npm start, the bin, the image and the benches one semi-space size', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    const sources = {
      start: scripts.start,
      bench: scripts.bench,
      chainBench: scripts['bench:chain'],
      bin: read('bin/evmgpu.js').split('\n')[0],
      image: read('Dockerfile').split('\n').find((l) => l.startsWith('CMD')) ?? '',
    };
    const sizes = Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, FLAG.exec(v)?.[1]]));
    expect(sizes).toEqual({ start: '64', bench: '64', chainBench: '64', bin: '64', image: '64' });
  });
});
