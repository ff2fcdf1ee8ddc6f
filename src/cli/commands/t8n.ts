import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openRegistry } from '../registry.js';
import { ExitCode, T8nError } from '../../t8n/errors.js';
import { readInputs, writeOutputs, type Streams } from '../../t8n/io.js';
import { transition } from '../../t8n/transition.js';

const HELP = `usage: evmgpu t8n [options]

geth-compatible state transition tool (evm t8n): applies txs to alloc in the block
described by env and writes the post-state alloc, the result and optionally the body.

  --input.alloc <file|stdin>    (default alloc.json)
  --input.env <file|stdin>      (default env.json)
  --input.txs <file|stdin>      (default txs.json; a .rlp file holds the hex of an RLP tx list)
  --output.basedir <dir>        directory for output files (created if missing)
  --output.alloc <file|stdout|stderr>   (default alloc.json; empty: not written)
  --output.result <file|stdout|stderr>  (default result.json)
  --output.body <file|stdout|stderr>    rlp of the included txs (default: not written)
  --state.fork <name>           (default GrayGlacier)
  --state.chainid <n>           (default 1)
  --state.reward <wei>          block reward; -1 disables (default 0)
  --engine <name>               execution engine (default reference: exit code 4 needs
                                every BLOCKHASH lookup, which GPU and worker-thread
                                runs of other engines do not report)
  --trace*                      accepted for compatibility, ignored

With any input set to stdin, stdin holds one JSON object {alloc, env, txs} (or txsRlp).
Exit codes follow geth: 0 ok, 1 usage or other error, 2 EVM error, 3 bad fork or env,
4 missing block hash, 10 bad JSON, 11 I/O error, 12 bad RLP.`;

const TRACE_FLAGS = ['trace', 'trace.memory', 'trace.nomemory', 'trace.returndata', 'trace.noreturndata', 'trace.nostack', 'trace.callframes'] as const;

const processStreams: Streams = {
  readStdin: () => readFileSync(0, 'utf8'),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

const OPTIONS = {
  'input.alloc': { type: 'string', default: 'alloc.json' },
  'input.env': { type: 'string', default: 'env.json' },
  'input.txs': { type: 'string', default: 'txs.json' },
  'output.basedir': { type: 'string', default: '' },
  'output.alloc': { type: 'string', default: 'alloc.json' },
  'output.result': { type: 'string', default: 'result.json' },
  'output.body': { type: 'string', default: '' },
  'state.fork': { type: 'string', default: 'GrayGlacier' },
  'state.chainid': { type: 'string', default: '1' },
  'state.reward': { type: 'string', default: '0' },
  engine: { type: 'string' },
  verbosity: { type: 'string' },
  ...Object.fromEntries(TRACE_FLAGS.map((f) => [f, { type: 'boolean' as const }])),
  'trace.tracer': { type: 'string' },
  'trace.jsonconfig': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/**
 * geth parses flags with Go's rules: one or two dashes, and a string flag takes the
 * next argument even when it starts with a dash (`--state.reward -1`). node's
 * parseArgs wants `--name=value` for that, so such pairs are joined first.
 */
function goStyleArgs(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = /^--?([a-z][\w.]*)$/.exec(args[i]);
    const opt = m ? (OPTIONS as Record<string, { type: string }>)[m[1]] : undefined;
    if (opt?.type === 'string' && i + 1 < args.length) out.push(`--${m![1]}=${args[++i]}`);
    else out.push(m && opt ? `--${m[1]}` : args[i]);
  }
  return out;
}

function parse(args: string[]) {
  return parseArgs({ args: goStyleArgs(args), allowPositionals: false, options: OPTIONS });
}

function integer(v: string, flag: string): bigint {
  try {
    return BigInt(v);
  } catch {
    throw new T8nError(ExitCode.General, `invalid value "${v}" for flag --${flag}`);
  }
}

/** `streams` lets tests feed stdin and capture output; the CLI uses the process's. */
export async function run(args: string[], streams: Streams = processStreams): Promise<number> {
  let values;
  try {
    values = parse(args).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    streams.stderr(`t8n: ${(e as Error).message}\n${HELP}\n`);
    return ExitCode.General;
  }
  if (values.help) {
    streams.stdout(`${HELP}\n`);
    return ExitCode.Ok;
  }
  const traces = [...TRACE_FLAGS, 'trace.tracer', 'trace.jsonconfig'].filter((f) => values[f] !== undefined);
  if (traces.length) streams.stderr(`WARN t8n: tracing is not supported; ignoring --${traces.join(', --')}\n`);

  const str = (k: string) => values[k] as string;
  const registry = openRegistry('t8n');
  if (registry === 2) return 2;
  try {
    const input = readInputs({ alloc: str('input.alloc'), env: str('input.env'), txs: str('input.txs') }, streams);
    const out = await transition(input, {
      fork: str('state.fork'),
      chainId: integer(str('state.chainid'), 'state.chainid'),
      reward: integer(str('state.reward'), 'state.reward'),
      engine: values.engine as string | undefined,
      registry,
    });
    writeOutputs(out, { basedir: str('output.basedir'), alloc: str('output.alloc'), result: str('output.result'), body: str('output.body') }, streams);
    return ExitCode.Ok;
  } catch (e) {
    if (e instanceof T8nError) {
      streams.stderr(`${e.toString()}\n`);
      return e.exitCode;
    }
    streams.stderr(`t8n: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return ExitCode.General;
  } finally {
    await registry.close();
  }
}
