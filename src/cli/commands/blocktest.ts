import { writeFileSync } from 'node:fs';
import { commandArgs, usageError } from '../args.js';
import { blockTestRecord, findBlockDirs, runBlockTest, type BlockTestOutcome } from '../../conformance/blocktest.js';
import { openRegistry } from '../registry.js';

const HELP = `usage: evmgpu blocktest <dirs...> [--engine <name>] [--json <file>]

Replays real mainnet blocks (format: shared/fixtures/mainnet-blocks/README.md). A dir
is one block folder (it holds block.json) or a folder of block folders, run in block
order. Each block's transactions run as one batch, through the same validation and
engine as the API, at the block's mainnet fork; the receipts must reproduce the
header's receiptsRoot, logsBloom and gasUsed. Before Byzantium (block 4,370,000)
receipts hold intermediate state roots that a partial pre-state cannot rebuild, so
only logsBloom and gasUsed are compared there. Block rewards and withdrawals are not
applied: they touch no receipt.

Prints one line per block, then exactly 'N passed, M failed'. --json writes one
record per block: {dir, block, fork, ok, engine, engines, fallbacks?, waves?, txs,
checks, error?}: engines counts the block's transactions by where they ran; a
speculative engine adds why transactions left their route (fallbacks) and its GPU
waves (count, the frames its rerun waves ran, the precompile runs the host answered).
Exit code 0 when all pass, 1 otherwise, 2 on usage errors.`;

export async function run(args: string[]): Promise<number> {
  const opts = commandArgs('blocktest', HELP, args, {
    engine: { type: 'string', default: 'reference' },
    json: { type: 'string' },
  });
  if (typeof opts === 'number') return opts;
  const { values, positionals } = opts;
  if (positionals.length === 0) return usageError('blocktest', HELP, 'no block folders given');

  const registry = openRegistry('blocktest');
  if (registry === 2) return 2;
  const outcomes: BlockTestOutcome[] = [];
  try {
    let engine;
    let dirs: string[];
    try {
      engine = registry.get(values.engine);
      dirs = findBlockDirs(positionals);
    } catch (e) {
      console.error(`blocktest: ${(e as Error).message}`);
      return 2;
    }
    for (const dir of dirs) {
      const o = await runBlockTest(engine, dir);
      outcomes.push(o);
      const label = `${o.block} ${o.fork} ${o.txs} txs`;
      console.log(o.ok ? `ok   ${label}` : `FAIL ${label} (${o.engine}): ${o.error}`);
    }
  } finally {
    await registry.close();
  }

  if (values.json) writeFileSync(values.json, JSON.stringify(outcomes.map(blockTestRecord), null, 2) + '\n');
  const failed = outcomes.filter((o) => !o.ok).length;
  console.log(`${outcomes.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
