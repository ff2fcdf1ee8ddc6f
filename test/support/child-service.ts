import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * A service in a child process, for the tests that need a real process (listening,
 * signals, SIGKILL, the Docker image's tree): its output is collected, and `waitFor`
 * resolves once a line matches, or rejects when the process exits first (or after
 * `timeoutMs`). `listening` is the main port's URL, as fastify logs it.
 */
export interface ChildService {
  child: ChildProcess;
  listening: Promise<string>;
  exited: Promise<number | null>;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

export function spawnService(argv: string[], opts: { cwd: string | URL; env: NodeJS.ProcessEnv }): ChildService {
  // No GPU warm-up unless a test asks for it: each child would compile the kernels on lavapipe.
  const child = spawn(process.execPath, argv, { cwd: opts.cwd, env: { EVMGPU_GPU_WARM_UP: 'off', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs?: number) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const m = pattern.exec(out);
        if (m) {
          clearInterval(poll);
          resolve(m);
        } else if (timeoutMs !== undefined && Date.now() - started > timeoutMs) {
          clearInterval(poll);
          reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}`));
        }
      }, 25);
      void exited.then((code) => {
        clearInterval(poll);
        const m = pattern.exec(out);
        if (m) resolve(m);
        else reject(new Error(`the service exited with ${code} before ${pattern} appeared:\n${out}`));
      });
    });
  const listening = waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/).then((m) => m[1]);
  // Not every caller waits for it (a server expected to fail never listens).
  listening.catch(() => undefined);
  return { child, listening, exited, output: () => out, waitFor };
}

const tsx = createRequire(import.meta.url).resolve('tsx');

/**
 * `evmgpu serve` from the sources, in the checkout. Settings the test environment may
 * carry are cleared, so only `args` and `env` configure it.
 */
export function spawnServe(args: string[], env: NodeJS.ProcessEnv = {}): ChildService {
  return spawnService(['--import', tsx, 'src/cli/main.ts', 'serve', ...args], {
    cwd: new URL('../..', import.meta.url),
    env: { ...process.env, EVMGPU_HOST: '', EVMGPU_PORT: '', EVMGPU_DATA_DIR: '', EVMGPU_AUTHRPC_PORT: '', EVMGPU_AUTHRPC_JWTSECRET: '', ...env },
  });
}
