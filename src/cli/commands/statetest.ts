import { writeFileSync } from 'node:fs';
import { commandArgs, usageError } from '../args.js';
import { openRegistry } from '../registry.js';
import { collectJsonFiles } from '../../conformance/files.js';
import { loadStateTestCases, runStateTestCase, type StateTestOutcome } from '../../conformance/statetest.js';
import { parseFork } from '../../model/fork.js';

const HELP = `usage: evmgpu statetest <files|dirs...> --fork <Fork> [--engine <name>] [--json <file>] [-v]

Runs GeneralStateTests / execution-spec-tests state-test fixtures: every post[fork]
entry is one case; its post-state root and logs hash must equal the fixture's.
Prints one line per failing case (per case with -v), how many cases each engine
executed ('gpu' = fully on the GPU), then exactly 'N passed, M failed'. Exit code 0 when all pass, 1 otherwise, 2 on usage errors.`;

export async function run(args: string[]): Promise<number> {
  const opts = commandArgs('statetest', HELP, args, {
    fork: { type: 'string' },
    engine: { type: 'string', default: 'reference' },
    json: { type: 'string' },
    verbose: { type: 'boolean', short: 'v', default: false },
  });
  if (typeof opts === 'number') return opts;
  const { values, positionals } = opts;
  if (!values.fork) return usageError('statetest', HELP, '--fork is required');
  if (positionals.length === 0) return usageError('statetest', HELP, 'no fixture files or directories given');
  const fork = parseFork(values.fork);
  if (!fork) return usageError('statetest', HELP, `unknown fork ${values.fork}`);

  const registry = openRegistry('statetest');
  if (registry === 2) return 2;
  let outcomes: StateTestOutcome[];
  try {
    const engine = registry.get(values.engine);
    let files: string[];
    try {
      files = collectJsonFiles(positionals);
    } catch (e) {
      console.error(`statetest: ${(e as Error).message}`);
      return 2;
    }
    outcomes = [];
    for (const file of files) {
      for (const c of loadStateTestCases(file, fork)) {
        const o = await runStateTestCase(engine, c);
        outcomes.push(o);
        if (!o.ok) console.log(`FAIL ${o.file} ${o.name}[${o.index}] (${o.engine}): ${o.error}`);
        else if (values.verbose) console.log(`ok   ${o.file} ${o.name}[${o.index}] (${o.engine})`);
      }
    }
  } catch (e) {
    console.error(`statetest: ${(e as Error).message}`);
    return 2;
  } finally {
    await registry.close();
  }

  if (values.json) {
    const records = outcomes.map(({ file, name, index, ok, engine, error }) => ({ file, name, index, ok, engine, ...(error ? { error } : {}) }));
    writeFileSync(values.json, JSON.stringify(records, null, 2) + '\n');
  }
  const failed = outcomes.filter((o) => !o.ok).length;
  // Which engine actually executed each case (gpu = fully on the GPU); the last line stays exactly 'N passed, M failed'.
  const byEngine = new Map<string, number>();
  for (const o of outcomes) byEngine.set(o.engine, (byEngine.get(o.engine) ?? 0) + 1);
  console.log(`executed by: ${[...byEngine].map(([e, n]) => `${e} ${n}`).join(', ') || 'none'}`);
  console.log(`${outcomes.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
