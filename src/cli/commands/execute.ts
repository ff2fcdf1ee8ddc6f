import { readFileSync, writeFileSync } from 'node:fs';
import { commandArgs, usageError } from '../args.js';
import { openRegistry } from '../registry.js';
import { ServiceError } from '../../errors/service-error.js';
import { formatResult, jsonCodec } from '../../wire/format.js';
import { parseBatch } from '../../wire/parse.js';
import { validateBatch } from '../../wire/validate.js';

const HELP = `usage: evmgpu execute <batch.json|-> [--engine <name>] [--out <file>]

Executes one batch offline exactly as POST /v1/execute does and prints the result
JSON (or writes it to --out). A rejected batch prints the same coded error body as
the API to stderr and exits 1; usage errors exit 2.`;

export async function run(args: string[]): Promise<number> {
  const opts = commandArgs('execute', HELP, args, {
    engine: { type: 'string' },
    out: { type: 'string', short: 'o' },
  });
  if (typeof opts === 'number') return opts;
  const { values, positionals } = opts;
  if (positionals.length !== 1) return usageError('execute', HELP, 'expected one batch file (or - for stdin)');
  let text: string;
  try {
    text = readFileSync(positionals[0] === '-' ? 0 : positionals[0], 'utf8');
  } catch (e) {
    console.error(`execute: ${(e as Error).message}`);
    return 2;
  }

  const registry = openRegistry('execute');
  if (registry === 2) return 2;
  try {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new ServiceError('INVALID_JSON', [(e as Error).message]);
    }
    validateBatch(body);
    const wire = body;
    // The flag wins over the batch's own options.engine, as a query parameter would.
    const engine = registry.get(values.engine ?? wire.options?.engine);
    const result = await engine.execute(parseBatch(wire));
    const json = JSON.stringify(formatResult(result, jsonCodec), null, 2) + '\n';
    if (values.out) writeFileSync(values.out, json);
    else process.stdout.write(json);
    return 0;
  } catch (e) {
    if (e instanceof ServiceError) {
      console.error(JSON.stringify(e.toBody()));
      return 1;
    }
    throw e;
  } finally {
    await registry.close();
  }
}
