import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { run as worker } from '../../src/cli/commands/worker.js';
import { run as serve } from '../../src/cli/commands/serve.js';

function capture() {
  const err: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  return { err, restore: () => spy.mockRestore() };
}

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('evmgpu worker and serve --nats: start-up errors', () => {
  it('worker without --nats exits 2, naming the flag and its variable', async () => {
    const c = capture();
    const before = process.env.EVMGPU_NATS;
    delete process.env.EVMGPU_NATS;
    try {
      expect(await worker([])).toBe(2);
      expect(c.err.join('\n')).toMatch(/worker: --nats \(or EVMGPU_NATS\) is required/);
      expect(await worker(['--nats', 'http://x'])).toBe(2);
      expect(c.err.at(-1)).toMatch(/--nats: 'http:\/\/x' is not a NATS URL/);
      expect(await worker(['--nats', 'nats://127.0.0.1:4222', '--nats-prefix', 'a.b'])).toBe(2);
      expect(c.err.at(-1)).toMatch(/--nats-prefix/);
    } finally {
      if (before !== undefined) process.env.EVMGPU_NATS = before;
      c.restore();
    }
  });

  it('worker and serve exit 1 when NATS cannot be reached, saying where they looked', async () => {
    const url = `nats://127.0.0.1:${await deadPort()}`;
    const c = capture();
    try {
      expect(await worker(['--nats', url, '--metrics-port', '0'])).toBe(1);
      expect(c.err.at(-1)).toContain(`worker: cannot open the batch queue on NATS ${url}`);
      expect(await serve(['--nats', url, '--port', '0', '--gpu-warm-up', 'off'])).toBe(1);
      expect(c.err.at(-1)).toContain(`serve: cannot open the batch queue on NATS ${url}`);
    } finally {
      c.restore();
    }
  });
});
