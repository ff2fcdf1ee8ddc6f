#!/usr/bin/env node
/**
 * `evmgpu <command> ...`: each command lives in commands/<name>.ts and returns its
 * exit code. Commands are loaded lazily so `evmgpu serve` does not load the
 * conformance tooling and vice versa.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> }> = {
  serve: { summary: 'run the HTTP service [--host --port]', load: () => import('./commands/serve.js') },
  worker: { summary: 'take batches from a NATS JetStream queue and run them: worker --nats <urls>', load: () => import('./commands/worker.js') },
  execute: { summary: 'execute a batch offline: execute <batch.json|-> [--engine] [--out file]', load: () => import('./commands/execute.js') },
  statetest: { summary: 'run state-test fixtures: statetest <files|dirs...> --fork <Fork> [--engine] [--json file]', load: () => import('./commands/statetest.js') },
  blocktest: { summary: 'replay mainnet blocks: blocktest <dirs...> [--engine] [--json file]', load: () => import('./commands/blocktest.js') },
  t8n: { summary: 'geth-compatible state transition tool (--input.* --output.* --state.*)', load: () => import('./commands/t8n.js') },
};

function usage(): string {
  return ['usage: evmgpu <command> [options]', '', ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`evmgpu: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  return (await cmd.load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(e instanceof Error ? e.stack ?? e.message : e);
    process.exitCode = 1;
  },
);
