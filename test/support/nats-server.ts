import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A NATS server with JetStream for a test: Debian's nats-server (scripts/setup-system.sh
 * installs it), on a free loopback port, its store in a temporary directory that stop()
 * removes. A machine without nats-server fails the test that asks for one, saying why:
 * the distributed mode is part of the suite, never skipped.
 */
export interface NatsServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startNatsServer(opts: { maxPayload?: string } = {}): Promise<NatsServer> {
  const probe = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error('nats-server is not installed: run scripts/setup.sh (it installs Debian\'s nats-server)');
  const dir = mkdtempSync(join(tmpdir(), 'evmgpu-nats-'));
  const conf = join(dir, 'nats.conf');
  writeFileSync(conf, `max_payload: ${opts.maxPayload ?? '1MB'}\n`);
  const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', '-1', '-sd', join(dir, 'store'), '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const m = /Listening for client connections on [\d.]+:(\d+)/.exec(out);
      if (m && /Server is ready/.test(out)) {
        clearInterval(poll);
        resolve(Number(m[1]));
      } else if (child.exitCode !== null || Date.now() - started > 15_000) {
        clearInterval(poll);
        reject(new Error(`nats-server did not start:\n${out}`));
      }
    }, 20);
  });
  return {
    url: `nats://127.0.0.1:${port}`,
    child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
