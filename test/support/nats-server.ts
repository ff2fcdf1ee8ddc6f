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
  /** Kills the server (SIGKILL) and starts it again on the same port and store: clients must reconnect and find their streams. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNatsServer(opts: { maxPayload?: string } = {}): Promise<NatsServer> {
  const probe = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error("nats-server is not installed: run scripts/setup.sh (it installs Debian's nats-server)");
  const dir = mkdtempSync(join(tmpdir(), 'evmgpu-nats-'));
  const conf = join(dir, 'nats.conf');
  writeFileSync(conf, `max_payload: ${opts.maxPayload ?? '1MB'}\n`);
  let server = await launch(dir, conf, -1);
  const port = server.port;
  const out: NatsServer = {
    url: `nats://127.0.0.1:${port}`,
    child: server.child,
    async restart() {
      server.child.kill('SIGKILL');
      await server.exited;
      server = await launch(dir, conf, port);
      out.child = server.child;
    },
    async stop() {
      if (server.child.exitCode === null) server.child.kill('SIGTERM');
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return out;
}

/** Starts nats-server on `port` (-1: any free one) and waits until it says it is ready. */
async function launch(dir: string, conf: string, port: number): Promise<{ child: ChildProcess; exited: Promise<void>; port: number }> {
  const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(dir, 'store'), '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const listening = await new Promise<number>((resolve, reject) => {
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
  return { child, exited, port: listening };
}
